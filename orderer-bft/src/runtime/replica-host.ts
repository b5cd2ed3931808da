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
/** Lag shorter than this is commits in flight, not a replica that fell out. */
const BEHIND_GRACE_MS = 2000;
/** Warn lines while behind (and failed state transfers) at most this often. */
const WARN_EVERY_MS = 5000;

/** How far this replica is from the quorum, for metrics, logs and `speedledger status`. */
export interface ReplicaLag {
  /** Behind the quorum's height or view, or alone in a view change above the quorum's view, for longer than a grace period. */
  readonly behind: boolean;
  /** A state transfer (block pull) is running. */
  readonly stateTransferInProgress: boolean;
  /** Milliseconds since it fell out (0 when in step). */
  readonly sinceMs: number;
}

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
  private outOfStepSince?: number;
  private lastBehindWarn = -Infinity;
  private lastTransferWarn = -Infinity;

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

  /** Whether (and how long) this replica is out of step with the quorum. */
  get lag(): ReplicaLag {
    const since = this.outOfStepSince;
    const sinceMs = since === undefined ? 0 : this.clock() - since;
    return { behind: since !== undefined && sinceMs >= BEHIND_GRACE_MS, stateTransferInProgress: this.transferring, sinceMs };
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

  /**
   * Stored decisions for a peer's state transfer: at most `max`, and no more once `maxBytes` of
   * proposals are in (the first is always included), so the answer fits the puller's limit.
   */
  async decisions(fromSeq: number, max: number, maxBytes = Infinity): Promise<Decision[]> {
    const out: Decision[] = [];
    let bytes = 0;
    for (let seq = fromSeq; seq < fromSeq + max && seq <= this.height && (out.length === 0 || bytes < maxBytes); seq += 1) {
      const decision = await this.options.blocks.get(seq);
      if (decision === undefined) break;
      out.push(decision);
      bytes += decision.proposal.header.byteLength + decision.proposal.payload.byteLength + 128 * decision.signatures.length;
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
    this.reportLag();
  }

  /**
   * Loud while out of step (issue 17: a wedged replica logged nothing at warn): a warn line every
   * few seconds with its height and view against the quorum's, and one info line once back.
   */
  private reportLag(): void {
    const status = this.core.status;
    const aloneAbove = status.mode === 'view-change' && status.view > status.quorumView;
    const now = this.clock();
    if (!status.catchingUp && !aloneAbove) {
      if (this.outOfStepSince !== undefined && now - this.outOfStepSince >= BEHIND_GRACE_MS) {
        this.options.logger.log('info', 'replica-in-step', { afterMs: Math.round(now - this.outOfStepSince), height: status.lastDecided, view: status.view });
      }
      this.outOfStepSince = undefined;
      this.lastBehindWarn = -Infinity;
      return;
    }
    this.outOfStepSince ??= now;
    if (now - this.outOfStepSince < BEHIND_GRACE_MS || now - this.lastBehindWarn < WARN_EVERY_MS) return;
    this.lastBehindWarn = now;
    this.options.logger.log('warn', aloneAbove && !status.catchingUp ? 'replica-alone-in-view-change' : 'replica-behind', {
      height: status.lastDecided, view: status.view, mode: status.mode, quorumHeight: status.quorumHeight, quorumView: status.quorumView,
      behindMs: Math.round(now - this.outOfStepSince), stateTransfers: status.counters.stateTransfers,
      stateTransferInProgress: this.transferring, staleDropped: status.counters.stale, rejectedDecisions: status.counters.rejectedDecisions,
    });
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
    const failures: Record<string, string> = {};
    let handedOver = false;
    try {
      for (const peer of [...hinted.filter((p) => p !== id), ...others]) {
        if (this.stopped) return;
        let decisions: Decision[];
        try {
          decisions = await this.options.transport.pull(peer, fromSeq, PULL_BATCH);
        } catch (error) {
          const cause = (error as { cause?: { message?: string } }).cause?.message;
          failures[String(peer)] = cause ?? (error as Error).message;
          this.options.logger.log('debug', 'state-transfer-peer-failed', { peer, fromSeq, error: failures[String(peer)] });
          continue;
        }
        if (decisions.length === 0) continue;
        this.options.logger.log('info', 'state-transfer', { peer, fromSeq, decisions: decisions.length });
        // Free the slot before the core sees the decisions: still behind, it asks for the next
        // range in this very step, and a busy slot would drop that request until the core's
        // transfer timeout (1 s) — catch-up then crawled at one pull per second under load.
        this.transferring = false;
        handedOver = true;
        this.step({ type: 'stateTransferred', decisions });
        return;
      }
      // Every peer failed or had nothing: say so (issue 17: 285 transfers failed in silence).
      const now = this.clock();
      if (Object.keys(failures).length > 0 && now - this.lastTransferWarn >= WARN_EVERY_MS) {
        this.lastTransferWarn = now;
        this.options.logger.log('warn', 'state-transfer-failed', { fromSeq, failures });
      }
    } finally {
      // After a hand-over the slot may already belong to the next transfer.
      if (!handedOver) this.transferring = false;
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
