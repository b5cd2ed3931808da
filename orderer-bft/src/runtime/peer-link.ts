import { Client, credentials, type ClientDuplexStream } from '@grpc/grpc-js';
import type { Decision } from '../core/decision.js';
import type { Signer } from '../core/dependencies.js';
import type { Envelope } from '../core/messages.js';
import { decodeValue, encodeValue } from './codec.js';
import { helloSigningBytes, PULL_RESPONSE_MAX_BYTES, REPLICA_LINK_SERVICE, type LinkChallenge } from './link-protocol.js';
import { RuntimeError } from './runtime-error.js';

const raw = (value: Buffer): Buffer => value;
/** Messages kept while (re)connecting; older ones are dropped (the core recovers lost ones). */
const QUEUE_LIMIT = 2048;
/** Bytes kept while (re)connecting (a FORWARD or NEW-VIEW can be megabytes); oldest dropped first. */
const QUEUE_BYTES_LIMIT = 16 * 1024 * 1024;
/**
 * Queued messages older than this are dropped when the link comes back: a peer that was down that
 * long restarted from its WAL and catches up by status, state transfer and view sync, while
 * thousands of stale frames (forwards to re-validate, VIEW-CHANGEs of a view change long done)
 * ahead of the current ones kept a restarted replica on a starved machine busy for tens of seconds
 * (issue 17 live run at load 23). A short hiccup loses nothing.
 */
export const LINK_QUEUE_MAX_AGE_MS = 2000;
/** Bytes buffered on an open stream beyond which messages are dropped instead of queued. */
const BUFFER_LIMIT = 64 * 1024 * 1024;
const BACKOFF_MIN_MS = 50;
const BACKOFF_MAX_MS = 1000;

/**
 * The dialling half of the link to one peer replica: answers the peer's challenge with a signed
 * hello, then streams protocol messages. When the peer dies the stream fails and is re-dialled
 * with capped exponential backoff; `send` never blocks (it queues a bounded number of messages
 * or drops them).
 */
export class PeerLink {
  private readonly client: Client;
  private call?: ClientDuplexStream<Buffer, Buffer>;
  private ready = false;
  private queue: { frame: Buffer; at: number }[] = [];
  private queuedBytes = 0;
  private backoff = BACKOFF_MIN_MS;
  private timer?: NodeJS.Timeout;
  private closed = false;
  private readonly method = (REPLICA_LINK_SERVICE.stream!).path;

  constructor(
    readonly self: number,
    readonly peer: number,
    address: string,
    private readonly signer: Signer,
    private readonly onEvent: (event: string, detail: Record<string, unknown>) => void,
    private readonly queueMaxAgeMs = LINK_QUEUE_MAX_AGE_MS,
    private readonly clock: () => number = Date.now,
  ) {
    this.client = new Client(address, credentials.createInsecure(), {
      'grpc.initial_reconnect_backoff_ms': BACKOFF_MIN_MS,
      'grpc.max_reconnect_backoff_ms': BACKOFF_MAX_MS,
      'grpc.keepalive_time_ms': 10_000,
      // Pull answers are bounded by the server's byte budget; the default 4 MiB was below it.
      'grpc.max_receive_message_length': PULL_RESPONSE_MAX_BYTES,
    });
    this.dial();
  }

  get connected(): boolean {
    return this.ready;
  }

  /** Queues or writes one protocol message; never waits. */
  send(envelope: Envelope): void {
    this.sendFrame(Buffer.from(encodeValue(envelope)));
  }

  /** Queues or writes an already encoded message (a broadcast is encoded once for all peers). */
  sendFrame(frame: Buffer): void {
    if (this.closed) return;
    if (this.ready && this.call !== undefined) {
      if (this.call.writableLength < BUFFER_LIMIT) this.call.write(frame);
      return;
    }
    this.queue.push({ frame, at: this.clock() });
    this.queuedBytes += frame.byteLength;
    while (this.queue.length > QUEUE_LIMIT || (this.queuedBytes > QUEUE_BYTES_LIMIT && this.queue.length > 1)) {
      this.queuedBytes -= this.queue.shift()!.frame.byteLength;
    }
  }

  /** Fetches decisions from this peer for state transfer. */
  pull(fromSeq: number, max: number, timeoutMs: number): Promise<Decision[]> {
    const path = (REPLICA_LINK_SERVICE.pull!).path;
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(path, raw, raw, Buffer.from(encodeValue({ fromSeq, max })), { deadline: Date.now() + timeoutMs }, (error, response) => {
        if (error !== null || response === undefined) {
          reject(new RuntimeError('STATE_TRANSFER', `pull from replica ${this.peer} failed`, { peer: this.peer, fromSeq }, error));
          return;
        }
        try {
          const decisions = decodeValue(response);
          resolve(Array.isArray(decisions) ? (decisions as Decision[]) : []);
        } catch (cause) {
          reject(new RuntimeError('STATE_TRANSFER', `replica ${this.peer} sent undecodable decisions`, { peer: this.peer, fromSeq }, cause));
        }
      });
    });
  }

  private dial(): void {
    if (this.closed) return;
    const call = this.client.makeBidiStreamRequest(this.method, raw, raw);
    this.call = call;
    const openedAt = Date.now();
    call.on('data', (frame: Buffer) => {
      if (this.ready) return;
      let challenge: Partial<LinkChallenge>;
      try {
        challenge = decodeValue(frame) as Partial<LinkChallenge>;
      } catch {
        challenge = {};
      }
      if (challenge.to !== this.peer || !(challenge.nonce instanceof Uint8Array)) {
        this.onEvent('link-bad-challenge', { peer: this.peer });
        call.cancel();
        return;
      }
      const signature = this.signer.sign(helloSigningBytes(this.self, this.peer, challenge.nonce));
      call.write(Buffer.from(encodeValue({ from: this.self, to: this.peer, signature })));
      this.ready = true;
      this.backoff = BACKOFF_MIN_MS;
      this.onEvent('link-connected', { peer: this.peer });
      const queued = this.queue;
      this.queue = [];
      this.queuedBytes = 0;
      const fresh = this.clock() - this.queueMaxAgeMs;
      let expired = 0;
      for (const { frame: message, at } of queued) {
        if (at < fresh) expired += 1;
        else call.write(message);
      }
      if (expired > 0) this.onEvent('link-queue-expired', { peer: this.peer, dropped: expired, maxAgeMs: this.queueMaxAgeMs });
    });
    const lost = (): void => {
      if (this.call !== call) return;
      const wasReady = this.ready;
      this.ready = false;
      this.call = undefined;
      if (wasReady) this.onEvent('link-lost', { peer: this.peer });
      if (this.closed) return;
      // A link that lived a while starts over at the shortest backoff.
      if (Date.now() - openedAt > 5000) this.backoff = BACKOFF_MIN_MS;
      this.timer = setTimeout(() => this.dial(), this.backoff);
      this.backoff = Math.min(BACKOFF_MAX_MS, this.backoff * 2);
    };
    call.on('error', lost);
    call.on('end', lost);
    call.on('close', lost);
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.call?.cancel();
    this.client.close();
  }
}
