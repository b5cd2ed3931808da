import { status as grpcStatus, type Client, type ServiceError } from '@grpc/grpc-js';
import { orderer, type common } from '@hyperledger/fabric-protos';
import { resolveConsenters, type ChannelConfig, type ConsenterIdentity, type ResolvedConsenter } from '@speedledger/orderer-bft';
import { buildSeekEnvelope, type ClientIdentity, type Logger } from '@speedledger/orderer-bft/runtime';
import { acceptBlock, type ChainTip } from '../block-acceptance.js';
import { createDeliverClient, openDeliver } from './deliver-client.js';
import { DeliveryError } from '../delivery-error.js';
import { ReplicaRotation } from '../replica-rotation.js';
import type { SwitchReason } from '../switch-reason.js';

/** Signs the Deliver seek: the peer's own identity (a `SigningIdentity` fits). */
export interface SeekSigner {
  /** `msp.SerializedIdentity` bytes. */
  readonly serialized: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** Options of {@link BlockPuller}. */
export interface BlockPullerOptions {
  readonly channelId: string;
  /** Orderer replicas' Deliver endpoints (`host:port`), tried in this order. */
  readonly endpoints: readonly string[];
  /** The channel's consenters (from its config block) whose signatures count. */
  readonly consenters: readonly ConsenterIdentity[];
  /** Valid consenter signatures a block needs (2f+1). */
  readonly quorum: number;
  readonly signer: SeekSigner;
  /** Where to start: the ledger's height and last header hash. */
  readonly tip: ChainTip;
  /**
   * Handles each accepted block, in order; the next block waits until it resolves (backpressure).
   * A rejection makes the puller ask for the same block again after a backoff.
   */
  readonly onBlock: (block: common.Block) => Promise<void>;
  /** Silence after which the other replicas are probed for the next block. Default 5000. */
  readonly stallTimeoutMs?: number;
  /** First backoff of a failed replica, doubled per consecutive failure. Default 250. */
  readonly baseBackoffMs?: number;
  /** Default 8000. */
  readonly maxBackoffMs?: number;
  /** Deadline of one probe request. Default 2000. */
  readonly probeTimeoutMs?: number;
  readonly logger?: Logger;
}

/** The rotation's clock: monotonic, so a wall-clock step (NTP, VM time sync) neither fakes a stall nor stretches a backoff. */
const now = (): number => performance.now();

/** Blocks buffered from the stream before it is paused. */
const HIGH_WATER = 16;

interface SessionEnd {
  readonly reason: SwitchReason;
  readonly detail: string;
}

/**
 * Pulls a channel's blocks from the BFT orderer replicas over Fabric's `AtomicBroadcast/Deliver`
 * (seek from the ledger height, BLOCK_UNTIL_READY), accepts only blocks carrying a quorum of
 * valid consenter signatures that chain to the last accepted one, and hands them in order to
 * `onBlock`. On a refused block, a broken stream, a connection failure or a stall it switches to
 * the next replica; each replica backs off exponentially. Decisions live in {@link ReplicaRotation}.
 */
export class BlockPuller {
  private readonly rotation: ReplicaRotation;
  private readonly consenters: readonly ResolvedConsenter[];
  private readonly identity: ClientIdentity;
  private readonly clients = new Map<string, Client>();
  private tipValue: ChainTip;
  private running?: Promise<void>;
  private stopped = false;
  private endSession?: () => void;
  private wake?: () => void;

  constructor(private readonly options: BlockPullerOptions) {
    if (options.endpoints.length === 0) throw new DeliveryError('NO_ORDERER_ENDPOINTS', 'no orderer endpoint to pull from', { channel: options.channelId });
    if (!Number.isInteger(options.quorum) || options.quorum < 1 || options.quorum > options.consenters.length) {
      throw new DeliveryError('INVALID_DELIVERY_CONFIG', `quorum ${options.quorum} is impossible with ${options.consenters.length} consenters`, { channel: options.channelId });
    }
    if (!Number.isSafeInteger(options.tip.nextBlock) || options.tip.nextBlock < 1) {
      throw new DeliveryError('INVALID_DELIVERY_CONFIG', 'pulling starts after the genesis block: commit block 0 from its file first', { channel: options.channelId });
    }
    try {
      this.consenters = resolveConsenters(options.consenters);
    } catch (error) {
      throw new DeliveryError('INVALID_DELIVERY_CONFIG', 'the channel consenters are unusable', { channel: options.channelId }, error);
    }
    this.rotation = new ReplicaRotation({
      replicas: options.endpoints.length,
      baseBackoffMs: options.baseBackoffMs ?? 250,
      maxBackoffMs: options.maxBackoffMs ?? 8000,
      stallTimeoutMs: options.stallTimeoutMs ?? 5000,
    });
    this.identity = { creator: options.signer.serialized, sign: (payload) => options.signer.sign(payload) };
    this.tipValue = options.tip;
  }

  /**
   * A puller for the channel described by `config` (its latest config block): consenters and
   * quorum from it, endpoints from its consenter mapping unless `endpoints` overrides them.
   */
  static forChannel(
    config: ChannelConfig, options: Omit<BlockPullerOptions, 'channelId' | 'endpoints' | 'consenters' | 'quorum'> & { readonly endpoints?: readonly string[] },
  ): BlockPuller {
    return new BlockPuller({
      ...options,
      channelId: config.channelId,
      endpoints: options.endpoints ?? config.consenters.map((c) => `${c.host}:${c.port}`),
      consenters: config.consenters,
      quorum: config.quorum,
    });
  }

  /** The chain the puller has accepted and handed on so far. */
  get tip(): ChainTip {
    return this.tipValue;
  }

  /** The endpoint currently pulled from (undefined before the first connection). */
  get currentEndpoint(): string | undefined {
    return this.options.endpoints[this.rotation.replica];
  }

  /** Starts pulling in the background; idempotent. */
  start(): void {
    if (this.running !== undefined || this.stopped) return;
    this.running = this.loop();
  }

  /** Stops pulling, waits for the block being handled, and closes the connections. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.endSession?.();
    this.wake?.();
    await this.running;
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const choice = this.rotation.choose(now());
      if ('waitMs' in choice) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, choice.waitMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        continue;
      }
      const endpoint = this.options.endpoints[choice.replica]!;
      this.options.logger?.log('info', 'deliver-connect', { endpoint, nextBlock: this.tipValue.nextBlock });
      const end = await this.session(choice.replica);
      if (end === undefined || this.stopped) break;
      const decision = this.rotation.onFailure(choice.replica, end.reason, now());
      this.options.logger?.log('warn', 'deliver-switch', {
        from: endpoint, reason: end.reason, detail: end.detail, failures: decision.failures, backoffMs: decision.backoffMs, nextBlock: this.tipValue.nextBlock,
      });
    }
  }

  private client(endpoint: string): Client {
    let client = this.clients.get(endpoint);
    if (client === undefined) {
      client = createDeliverClient(endpoint);
      this.clients.set(endpoint, client);
    }
    return client;
  }

  /** One Deliver stream from `replica`; resolves with why it ended (undefined when stopped). */
  private session(replica: number): Promise<SessionEnd | undefined> {
    const endpoint = this.options.endpoints[replica]!;
    const call = openDeliver(this.client(endpoint));
    const queue: common.Block[] = [];
    let received = false;
    let finished = false;
    let handling = false;
    let probing = false;
    return new Promise((resolve) => {
      const finish = (end: SessionEnd | undefined): void => {
        if (finished) return;
        finished = true;
        clearInterval(watchdog);
        this.endSession = undefined;
        call.cancel();
        // Resolve only once the block being handled is done, so the tip is settled.
        const settle = (): void => (handling ? void setTimeout(settle, 10) : resolve(end));
        settle();
      };
      this.endSession = () => finish(undefined);

      const drain = async (): Promise<void> => {
        if (handling) return;
        handling = true;
        while (queue.length > 0 && !finished) {
          const block = queue.shift()!;
          const verdict = acceptBlock(block, this.tipValue, this.consenters, this.options.quorum);
          if (!verdict.ok) {
            handling = false;
            return finish({ reason: verdict.reason, detail: verdict.detail });
          }
          try {
            await this.options.onBlock(block);
          } catch (error) {
            handling = false;
            return finish({ reason: 'HANDLER_FAILED', detail: `block ${verdict.tip.nextBlock - 1}: ${(error as Error).message ?? String(error)}` });
          }
          this.tipValue = verdict.tip;
          this.rotation.onBlock(replica, now());
          if (queue.length < HIGH_WATER / 2 && call.isPaused()) call.resume();
        }
        handling = false;
      };

      call.on('data', (response: orderer.DeliverResponse) => {
        if (response.getTypeCase() === orderer.DeliverResponse.TypeCase.BLOCK) {
          received = true;
          queue.push(response.getBlock()!);
          if (queue.length >= HIGH_WATER) call.pause();
          void drain();
        } else {
          finish({ reason: 'STREAM_FAILED', detail: `Deliver answered status ${response.getStatus()}` });
        }
      });
      call.on('error', (error: ServiceError) => {
        const unreachable = !received && error.code === grpcStatus.UNAVAILABLE;
        finish({ reason: unreachable ? 'CONNECTION_FAILED' : 'STREAM_FAILED', detail: error.message });
      });
      call.on('end', () => finish({ reason: 'STREAM_FAILED', detail: 'the replica ended the stream' }));

      const watchdog = setInterval(() => {
        if (finished || handling || probing || !this.rotation.shouldProbe(now())) return;
        probing = true;
        void this.probeOthers(replica).then((ahead) => {
          probing = false;
          if (finished) return;
          if (this.rotation.isStalled(this.tipValue.nextBlock, ahead)) {
            finish({ reason: 'STALLED', detail: `silent while another replica has block ${this.tipValue.nextBlock}` });
          } else {
            this.rotation.onActivity(now());
          }
        });
      }, Math.max(20, Math.floor((this.options.stallTimeoutMs ?? 5000) / 4)));

      call.write(buildSeekEnvelope(this.options.channelId, this.tipValue.nextBlock, Number.MAX_SAFE_INTEGER, true, this.identity).serializeBinary());
    });
  }

  /**
   * Asks every other replica for the next block without waiting: the heights of those that have
   * it (next + 1), undefined for the others. Its signatures are not checked: it only decides
   * whether to move on, and the block is verified when pulled.
   */
  private async probeOthers(replica: number): Promise<(number | undefined)[]> {
    const next = this.tipValue.nextBlock;
    const others = this.options.endpoints.filter((_, i) => i !== replica);
    const seek = buildSeekEnvelope(this.options.channelId, next, next, false, this.identity).serializeBinary();
    return Promise.all(others.map((endpoint) => new Promise<number | undefined>((resolve) => {
      const call = openDeliver(this.client(endpoint), this.options.probeTimeoutMs ?? 2000);
      let has = false;
      const done = (): void => {
        call.cancel();
        resolve(has ? next + 1 : undefined);
      };
      call.on('data', (response: orderer.DeliverResponse) => {
        if (response.getTypeCase() === orderer.DeliverResponse.TypeCase.BLOCK) has = response.getBlock()?.getHeader()?.getNumber() === next;
        else done();
      });
      call.on('error', done);
      call.on('end', done);
      call.write(seek);
      call.end();
    })));
  }
}
