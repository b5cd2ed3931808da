import { randomBytes } from 'node:crypto';
import { status, type ServerDuplexStream, type ServerUnaryCall, type sendUnaryData, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Decision } from '../core/decision.js';
import type { Verifier } from '../core/dependencies.js';
import type { Envelope } from '../core/messages.js';
import { decodeValue, encodeValue } from './codec.js';
import { setCallReceiveLimit } from './bounded-grpc.js';
import { helloSigningBytes, PULL_RESPONSE_SOFT_BYTES, type LinkHello, type PullRequest } from './link-protocol.js';
import { LINK_FRAME_BYTES, LINK_HANDSHAKE_TIMEOUT_MS } from './request-limits.js';

/** What the accepting side of the replica links needs from its host. */
export interface LinkServerHost {
  readonly id: number;
  readonly n: number;
  readonly verifier: Verifier;
  /** An authenticated peer's message (from = the authenticated replica id). */
  onMessage(from: number, envelope: Envelope): void;
  /** Stored decisions from `fromSeq` on, at most `max` and about `maxBytes` (at least one). */
  decisions(fromSeq: number, max: number, maxBytes: number): Promise<Decision[]>;
  /** A link event worth logging (auth failures). */
  onLinkEvent(event: string, detail: Record<string, unknown>): void;
  /** How long a stream may stay unauthenticated (default {@link LINK_HANDSHAKE_TIMEOUT_MS}). */
  readonly handshakeTimeoutMs?: number;
  /**
   * Largest frame an authenticated peer may send (default {@link LINK_FRAME_BYTES}; the node passes
   * `linkFrameLimit` of its protocol settings). A larger one ends the stream with RESOURCE_EXHAUSTED.
   */
  readonly frameLimit?: number;
}

const MAX_PULL = 256;

/** The server half of `REPLICA_LINK_SERVICE`. */
export function createLinkServer(host: LinkServerHost): UntypedServiceImplementation {
  return {
    stream(call: ServerDuplexStream<Buffer, Buffer>): void {
      const nonce = randomBytes(32);
      const frameLimit = host.frameLimit ?? LINK_FRAME_BYTES;
      let peer: number | undefined;
      const tooLarge = (bytes: number): void => {
        host.onLinkEvent('link-frame-too-large', { peer, bytes, limit: frameLimit });
        const reason = `replica link frame of ${bytes} bytes exceeds the limit of ${frameLimit} bytes`;
        call.emit('error', Object.assign(new Error(reason), { code: status.RESOURCE_EXHAUSTED, details: reason }));
      };
      const refuse = (event: string, detail: Record<string, unknown>, reason: string): void => {
        clearTimeout(handshake);
        host.onLinkEvent(event, detail);
        // grpc-js sends an 'error' emitted on a server stream as the call's status (destroy would be CANCELLED).
        call.emit('error', Object.assign(new Error(reason), { code: status.UNAUTHENTICATED, details: reason }));
      };
      // A stream that never authenticates would otherwise hold its slot and buffers for good.
      const handshakeMs = host.handshakeTimeoutMs ?? LINK_HANDSHAKE_TIMEOUT_MS;
      const handshake = setTimeout(() => refuse('link-auth-timeout', { afterMs: handshakeMs }, `replica link not authenticated within ${handshakeMs} ms`), handshakeMs);
      call.write(Buffer.from(encodeValue({ to: host.id, nonce: new Uint8Array(nonce) })));
      call.on('data', (frame: Buffer) => {
        // Normally refused by grpc-js from the length prefix (setCallReceiveLimit below); this
        // also holds where the call did not pass through boundedRequestInterceptor.
        if (peer !== undefined && frame.byteLength > frameLimit) return tooLarge(frame.byteLength);
        let value: unknown;
        try {
          value = decodeValue(frame);
        } catch {
          value = undefined;
        }
        if (peer !== undefined) {
          if (value !== undefined) host.onMessage(peer, value as Envelope);
          return;
        }
        const hello = value as Partial<LinkHello> | undefined;
        const from = hello?.from;
        if (
          typeof from !== 'number' || !Number.isInteger(from) || from < 0 || from >= host.n || from === host.id ||
          hello?.to !== host.id || !(hello.signature instanceof Uint8Array) ||
          !host.verifier.verify(from, helloSigningBytes(from, host.id, new Uint8Array(nonce)), hello.signature)
        ) {
          refuse('link-auth-failed', { claimed: typeof from === 'number' ? from : null }, 'replica link authentication failed');
          return;
        }
        clearTimeout(handshake);
        peer = from;
        // Until now the call accepted only a hello-sized frame (ordererRequestLimits).
        setCallReceiveLimit(call, frameLimit);
        host.onLinkEvent('link-accepted', { peer: from });
      });
      call.on('error', () => clearTimeout(handshake));
      call.on('close', () => clearTimeout(handshake));
      call.on('end', () => call.end());
    },
    pull(call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void {
      let request: Partial<PullRequest>;
      try {
        request = decodeValue(call.request) as Partial<PullRequest>;
      } catch {
        request = {};
      }
      const { fromSeq, max } = request;
      if (typeof fromSeq !== 'number' || !Number.isInteger(fromSeq) || fromSeq < 1 || typeof max !== 'number' || max < 1) {
        callback({ code: status.INVALID_ARGUMENT, details: 'pull needs integer fromSeq ≥ 1 and max ≥ 1' });
        return;
      }
      host.decisions(fromSeq, Math.min(max, MAX_PULL), PULL_RESPONSE_SOFT_BYTES).then(
        (decisions) => callback(null, Buffer.from(encodeValue(decisions))),
        (error: unknown) => callback({ code: status.INTERNAL, details: (error as Error).message }),
      );
    },
  };
}
