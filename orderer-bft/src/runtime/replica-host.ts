import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { ReplicaAction } from '../core/actions.js';
import type { ReplicaConfig } from '../core/config.js';
import type { Decision } from '../core/decision.js';
import type { ReplicaDependencies } from '../core/dependencies.js';
import type { ReplicaEvent } from '../core/events.js';
import type { Envelope } from '../core/messages.js';
import { Replica, type ReplicaStatus, type SubmitVerdict } from '../core/replica.js';
import type { WalRecord } from '../core/wal-record.js';
import type { Logger } from './logger.js';
import type { ReplicaMetrics } from './metrics.js';
import type { BlockStore } from './storage/block-store.js';
import type { WriteAheadLog } from './storage/write-ahead-log.js';

/** How the host reaches the other replicas. */
export interface ReplicaTransport {
  send(to: number, envelope: Envelope): void;
  /** Sends to every other replica. */
  broadcast(envelope: Envelope): void;
  /** Decisions from `fromSeq` on held by `peer`. */
  pull(peer: number, fromSeq: number, max: number): Promise<Decision[]>;
}

/** Everything a {@link ReplicaHost} is built from. */
export interface ReplicaHostOptions {
  readonly config: ReplicaConfig;
  readonly deps: ReplicaDependencies;
  readonly wal: WriteAheadLog;
  /** Records read back from the WAL at open (empty for a fresh replica). */
  readonly walRecords: readonly WalRecord[];
  readonly blocks: BlockStore;
  readonly transport: ReplicaTransport;
  readonly logger: Logger;
  readonly metrics?: ReplicaMetrics;
  /** Milliseconds, monotonic (injected for tests). */
  readonly clock?: () => number;
  /** Counts envelopes in a delivered decision (for the tx counter). */
  readonly countTransactions?: (decision: Decision) => number;
}

const PULL_BATCH = 128;

/**
 * The I/O shell around one core replica (the simulator's role with real sockets, disk and
 * timers): feeds it messages, submissions, timer ticks and fsync acknowledgements, and executes
 * its actions. Emits `height` (number) after each block is durable.
 */
export class ReplicaHost extends EventEmitter {
  private core!: Replica;
  private readonly clock: () => number;
  /** Every pending tick timer; like the simulator, each `schedule` gets its own tick. */
  private readonly timers = new Set<NodeJS.Timeout>();
  private transferring = false;
  private stopped = false;
  private lastView = 0;

  constructor(private readonly options: ReplicaHostOptions) {
    super();
    this.clock = options.clock ?? (() => performance.now());
  }

  /** Builds (or restores from the WAL) the core and re-delivers WAL decisions missing from the ledger. */
  async start(): Promise<void> {
    const { config, deps, walRecords, blocks, logger } = this.options;
    this.core = walRecords.length === 0 ? Replica.create(config, deps) : Replica.restore(config, deps, walRecords);
    this.lastView = this.core.status.view;
    // fsync point: a crash may fall between the WAL decision record and the block append.
    let redelivered = 0;
    for (const record of walRecords) {
      if (record.kind === 'decision' && record.decision.seq === blocks.height + 1) {
        await blocks.append(record.decision);
        redelivered += 1;
      }
    }
    logger.log('info', 'replica-started', { restored: walRecords.length > 0, walRecords: walRecords.length, redelivered, height: blocks.height });
    this.step({ type: 'tick', now: this.clock() });
  }

  get status(): ReplicaStatus {
    return this.core.status;
  }

  /** Durable ledger height. */
  get height(): number {
    return this.options.blocks.height;
  }

  /** Admits a client envelope; the verdict drives the Broadcast response. */
  submit(request: Uint8Array): SubmitVerdict {
    if (this.stopped) return 'pool-full';
    this.run(this.core.step({ type: 'tick', now: this.clock() }));
    const { verdict, actions } = this.core.submit(request);
    this.run(actions);
    const metrics = this.options.metrics;
    if (metrics !== undefined) {
      if (verdict === 'accepted') metrics.acceptedRequests += 1;
      else metrics.refusedRequests[verdict] += 1;
    }
    return verdict;
  }

  /** A protocol message from an authenticated peer link. */
  onPeerMessage(from: number, envelope: Envelope): void {
    this.step({ type: 'message', from, envelope });
  }

  /** Stored decisions for a peer's state transfer. */
  async decisions(fromSeq: number, max: number): Promise<Decision[]> {
    const out: Decision[] = [];
    for (let seq = fromSeq; seq < fromSeq + max && seq <= this.height; seq += 1) {
      const decision = await this.options.blocks.get(seq);
      if (decision === undefined) break;
      out.push(decision);
    }
    return out;
  }

  private step(event: ReplicaEvent): void {
    if (this.stopped) return;
    this.run(this.core.step(event));
  }

  private run(actions: readonly ReplicaAction[]): void {
    const persists: WalRecord[] = [];
    let persistUpTo = -1;
    for (const action of actions) {
      switch (action.type) {
        case 'send':
          this.options.transport.send(action.to, action.envelope);
          break;
        case 'broadcast':
          this.options.transport.broadcast(action.envelope);
          break;
        case 'persist':
          persists.push(action.record);
          persistUpTo = Math.max(persistUpTo, action.id);
          break;
        case 'deliver':
          this.deliver(action.decision);
          break;
        case 'schedule':
          this.schedule(action.at);
          break;
        case 'requestStateTransfer':
          void this.transfer(action.fromSeq, action.peers);
          break;
        case 'halt':
          // The core stopped on a broken safety invariant: alarm the owner, process nothing more.
          this.fatal('replica-halted', action.error);
          this.stop();
          return;
      }
    }
    if (persists.length > 0) {
      // fsync point: `persisted` reaches the core only after fdatasync, which releases the
      // messages the core held back behind these records.
      this.options.wal.append(persists).then(
        () => this.step({ type: 'persisted', upTo: persistUpTo }),
        (error: unknown) => this.fatal('wal-append-failed', error),
      );
    }
    const view = this.core.status.view;
    if (view > this.lastView) {
      if (this.options.metrics !== undefined) this.options.metrics.viewChanges += view - this.lastView;
      this.options.logger.log('warn', 'view-change', { from: this.lastView, to: view });
      this.lastView = view;
    }
  }

  private deliver(decision: Decision): void {
    // fsync point: the block counts as delivered (Deliver streams it) only after it is durable.
    this.options.blocks.append(decision).then(
      (appended) => {
        if (!appended) return;
        const metrics = this.options.metrics;
        if (metrics !== undefined) {
          metrics.deliveredBlocks += 1;
          metrics.deliveredTransactions += this.options.countTransactions?.(decision) ?? 0;
        }
        this.options.logger.log('debug', 'block-delivered', { block: decision.seq, decidedInView: decision.view });
        this.emit('height', decision.seq);
      },
      (error: unknown) => this.fatal('block-append-failed', error),
    );
  }

  private schedule(at: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.step({ type: 'tick', now: this.clock() });
      // +1 ms: libuv timers may fire up to a millisecond before the monotonic clock reaches `at`.
    }, Math.max(0, Math.ceil(at - this.clock()) + 1));
    this.timers.add(timer);
  }

  /** Block pulling: the hinted peers first, then the others, until one returns decisions. */
  private async transfer(fromSeq: number, hinted: readonly number[]): Promise<void> {
    if (this.transferring) return;
    this.transferring = true;
    if (this.options.metrics !== undefined) this.options.metrics.stateTransfers += 1;
    const { id, n } = this.options.config;
    const others = [...Array(n).keys()].filter((p) => p !== id && !hinted.includes(p));
    try {
      for (const peer of [...hinted.filter((p) => p !== id), ...others]) {
        if (this.stopped) return;
        let decisions: Decision[];
        try {
          decisions = await this.options.transport.pull(peer, fromSeq, PULL_BATCH);
        } catch (error) {
          this.options.logger.log('debug', 'state-transfer-peer-failed', { peer, fromSeq, error: (error as Error).message });
          continue;
        }
        if (decisions.length === 0) continue;
        this.options.logger.log('info', 'state-transfer', { peer, fromSeq, decisions: decisions.length });
        this.step({ type: 'stateTransferred', decisions });
        return;
      }
    } finally {
      this.transferring = false;
    }
  }

  private fatal(event: string, error: unknown): void {
    this.options.logger.log('error', event, { error: (error as Error).message, code: (error as { code?: string }).code });
    this.emit('fatal', error);
  }

  /** Stops timers and event processing (storage is closed by the owner). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
