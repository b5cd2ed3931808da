import type { ReplicaAction } from './actions.js';
import { onCheckpoint } from './checkpointing.js';
import { validateConfig, type ReplicaConfig } from './config.js';
import type { ReplicaDependencies } from './dependencies.js';
import type { ReplicaEvent } from './events.js';
import { isWellFormedEnvelope } from './message-shape.js';
import type { Envelope, Forward } from './messages.js';
import { batchDue, maybePropose, onCommit, onPrePrepare, onPrepare } from './normal-case.js';
import { ReplicaState, type ReplicaCounters } from './replica-state.js';
import { requestKey } from './request-pool.js';
import { restoreFromWal } from './restore.js';
import { checkBehind, isCatchingUp, noteDecided, onStateTransferred, provenHeight, provenView } from './state-transfer.js';
import {
  checkViewSync, complain, complaintResendAt, noteView, onComplain, onNewView, onNewViewRequest, onViewChange, onViewChangeTimeout,
  sendViewChange,
} from './view-change.js';
import type { WalRecord } from './wal-record.js';

/** Admission verdict for a client request; `pool-full` maps to SERVICE_UNAVAILABLE. */
export type SubmitVerdict = 'accepted' | 'duplicate' | 'pool-full' | 'invalid';

/** Result of {@link Replica.submit}. */
export interface SubmitResult {
  readonly verdict: SubmitVerdict;
  readonly actions: ReplicaAction[];
}

/** A read-only snapshot for hosts, tests and metrics. */
export interface ReplicaStatus {
  readonly id: number;
  readonly view: number;
  readonly mode: 'normal' | 'view-change';
  readonly isLeader: boolean;
  readonly lastDecided: number;
  readonly stableCheckpoint: number;
  readonly poolSize: number;
  /** Sequences still held in the message log (bounded by the log window). */
  readonly logSize: number;
  /** Stable code of the broken invariant once the replica halted (see the `halt` action). */
  readonly halted?: string;
  readonly counters: Readonly<ReplicaCounters>;
  /** Highest height f+1 peers have shown (at least one honest replica is there). */
  readonly quorumHeight: number;
  /** Highest view f+1 peers have shown to work in. */
  readonly quorumView: number;
  /**
   * Behind the quorum's height or view (fetching decisions or the NEW-VIEW it missed); its
   * request timers are held meanwhile. Hosts make this loud (issue 17).
   */
  readonly catchingUp: boolean;
}

/**
 * One PBFT replica as a pure state machine (etcd-raft style): feed it events with
 * {@link Replica.step}, execute the returned actions in order. It never touches a socket, a
 * disk or a clock; `persist` actions gate the messages that depend on them until the host
 * reports `persisted`.
 */
export class Replica {
  private scheduled?: number;
  /** The earliest deadline after the last event: a tick well past it means we were stalled. */
  private due?: number;

  private constructor(private readonly s: ReplicaState) {}

  /** A fresh replica at the genesis. Throws `INVALID_CONFIG`. */
  static create(config: ReplicaConfig, deps: ReplicaDependencies): Replica {
    validateConfig(config);
    return new Replica(new ReplicaState(config, deps));
  }

  /** A replica rebuilt from its WAL after a crash. Throws `INVALID_CONFIG` or `INVALID_WAL`. */
  static restore(config: ReplicaConfig, deps: ReplicaDependencies, wal: readonly WalRecord[]): Replica {
    validateConfig(config);
    const state = new ReplicaState(config, deps);
    restoreFromWal(state, wal);
    return new Replica(state);
  }

  get status(): ReplicaStatus {
    const s = this.s;
    return {
      id: s.id, view: s.view, mode: s.mode, isLeader: s.isLeader, lastDecided: s.tip.seq,
      stableCheckpoint: s.stable.seq, poolSize: s.pool.size, logSize: s.slots.size, counters: { ...s.counters },
      quorumHeight: Math.max(s.tip.seq, provenHeight(s)), quorumView: Math.max(s.installedView, provenView(s)), catchingUp: isCatchingUp(s),
      ...(s.halted === undefined ? {} : { halted: s.halted.code }),
    };
  }

  /** Admits a client request (dedup, bounded pool) and reports the verdict. */
  submit(request: Uint8Array): SubmitResult {
    if (this.s.halted !== undefined) return { verdict: 'invalid', actions: [] };
    const verdict = this.admit(request);
    return { verdict, actions: this.finish() };
  }

  /** Processes one event; returns the actions to execute, in order. */
  step(event: ReplicaEvent): ReplicaAction[] {
    const s = this.s;
    // Halted on a broken safety invariant: nothing we could do next is trustworthy.
    if (s.halted !== undefined) return [];
    switch (event.type) {
      case 'message':
        this.onMessage(event.envelope);
        break;
      case 'request':
        this.admit(event.request);
        break;
      case 'tick':
        // Ticks come on time unless this replica did not run (machine starved, GC, a paused
        // process): its timers then fire before it reads what its sockets hold (issue 17).
        if (this.due !== undefined && event.now - this.due > stallTolerance(s)) s.stallGraceUntil = event.now + s.config.requestForwardTimeout;
        s.now = Math.max(s.now, event.now);
        this.onTick();
        break;
      case 'persisted':
        s.markPersisted(event.upTo);
        break;
      case 'stateTransferred':
        onStateTransferred(s, event.decisions);
        break;
    }
    return this.finish();
  }

  private admit(request: Uint8Array, relayed = false): SubmitVerdict {
    const s = this.s;
    const info = request instanceof Uint8Array ? s.deps.inspector.inspect(request) : undefined;
    if (info === undefined || request.byteLength > s.config.batchMaxBytes) return 'invalid';
    const key = requestKey(info);
    if (s.delivered.has(key) || s.pool.has(key)) return 'duplicate';
    return s.pool.add(key, request, s.now, relayed) ? 'accepted' : 'pool-full';
  }

  private onMessage(envelope: Envelope): void {
    const s = this.s;
    if (!isWellFormedEnvelope(envelope)) {
      s.counters.malformed += 1;
      return;
    }
    // Our own messages echoed back (replays) carry nothing we do not know — except a NEW-VIEW of
    // ours whose record we lost: without it we would climb views alone (issue 14).
    if (envelope.from === s.id && !isForgottenOwnNewView(s, envelope)) return;
    if (!s.verifyEnvelope(envelope)) {
      s.counters.invalidSignature += 1;
      return;
    }
    this.dispatch(envelope);
  }

  private dispatch(envelope: Envelope): void {
    const s = this.s;
    const body = envelope.body;
    switch (body.type) {
      case 'pre-prepare':
        return onPrePrepare(s, envelope as Envelope<typeof body>);
      case 'prepare':
        return onPrepare(s, envelope as Envelope<typeof body>);
      case 'commit':
        return onCommit(s, envelope as Envelope<typeof body>);
      case 'checkpoint':
        return onCheckpoint(s, envelope as Envelope<typeof body>);
      case 'view-change':
        return onViewChange(s, envelope as Envelope<typeof body>);
      case 'new-view':
        return onNewView(s, envelope as Envelope<typeof body>);
      case 'new-view-request':
        return onNewViewRequest(s, envelope as Envelope<typeof body>);
      case 'complain':
        return onComplain(s, envelope as Envelope<typeof body>);
      case 'status':
        noteView(s, envelope.from, body.view);
        noteDecided(s, envelope.from, body.seq);
        return;
      case 'forward':
        // Already relayed to everyone by the sender: keep the complain timer, skip re-relaying.
        for (const request of body.requests.slice(0, s.config.batchMaxCount)) this.admit(request, true);
        return;
    }
  }

  /** Fires due timers: view-change timeout, then the two request timers (SmartBFT). */
  private onTick(): void {
    const s = this.s;
    if (s.now >= s.nextStatusAt && s.config.n > 1) {
      s.nextStatusAt = s.now + s.config.heartbeatInterval;
      s.broadcast({ type: 'status', view: s.installedView, seq: s.tip.seq });
    }
    if (s.resendNewView) {
      s.resendNewView = false;
      if (s.mode === 'normal' && s.lastNewView !== undefined && s.lastNewView.body.view === s.view) {
        s.emit({ type: 'broadcast', envelope: s.lastNewView });
      }
    }
    if (s.mode === 'view-change') {
      if (s.resendViewChange) sendViewChange(s);
      // After a stall a NEW-VIEW may wait unread in our sockets: read it before escalating past it.
      else if (s.viewChangeDeadline !== undefined && s.now >= Math.max(s.viewChangeDeadline, s.stallGraceUntil ?? 0)) onViewChangeTimeout(s);
      return;
    }
    const { forwardAfter, complainAfter } = requestTimers(s);
    const toForward: Uint8Array[] = [];
    const at = complainAt(s);
    const overdue = at !== undefined && s.now >= at;
    for (const entry of s.pool.values()) {
      if (s.now < entry.since + forwardAfter) break;
      if (!entry.forwarded) {
        entry.forwarded = true;
        // From now on the leader has it too; whatever it may fairly order first was pending then,
        // in our pool or in its own, which holds requests in another order (sim overload test).
        entry.ahead = Math.max(entry.ahead, s.pool.size - 1);
        toForward.push(entry.request);
      }
    }
    // Relayed to every replica, not only the leader: a client that reached just one backup (a
    // Fabric 2.x SDK sends to one orderer) must still make f+1 replicas complain when the leader
    // is dead or censoring, or the view change never gathers its quorum.
    if (toForward.length > 0 && !s.isLeader) {
      // At most a batch per FORWARD, by count and by bytes: a replica link refuses any frame
      // larger than the largest legitimate message (runtime linkFrameLimit, issue 17).
      let chunk: Uint8Array[] = [];
      let bytes = 0;
      for (const request of toForward) {
        if (chunk.length > 0 && (chunk.length >= s.config.batchMaxCount || bytes + request.byteLength > s.config.batchMaxBytes)) {
          s.broadcast({ type: 'forward', requests: chunk } satisfies Forward);
          chunk = [];
          bytes = 0;
        }
        chunk.push(request);
        bytes += request.byteLength;
      }
      s.broadcast({ type: 'forward', requests: chunk } satisfies Forward);
    }
    // After a stall, what arrived meanwhile is read first: a leader is not judged on our absence.
    if (overdue && !isCatchingUp(s) && s.now >= (s.stallGraceUntil ?? 0)) complain(s, complainAfter);
  }

  /** Work every event may enable, then the next timer the host must honour. */
  private finish(): ReplicaAction[] {
    const s = this.s;
    while (s.replay.length > 0 && s.halted === undefined) {
      const batch = s.replay;
      s.replay = [];
      for (const { envelope } of batch) if (s.halted === undefined) this.dispatch(envelope);
    }
    // Only the alarm leaves a halted replica: whatever else this event produced is untrustworthy.
    if (s.halted !== undefined) return s.drain().filter((action) => action.type === 'halt');
    maybePropose(s);
    checkBehind(s);
    checkViewSync(s);
    const at = this.nextDeadline();
    this.due = at;
    if (at !== undefined && at !== this.scheduled) {
      this.scheduled = at;
      s.emitNow({ type: 'schedule', at });
    }
    return s.drain();
  }

  private nextDeadline(): number | undefined {
    const s = this.s;
    const candidates: number[] = s.config.n > 1 ? [s.nextStatusAt] : [];
    // A restored NEW-VIEW of ours goes out on the next tick, like a pending VIEW-CHANGE.
    if (s.resendNewView) candidates.push(s.now);
    if (s.mode === 'view-change') {
      if (s.resendViewChange) candidates.push(s.now);
      if (s.viewChangeDeadline !== undefined) candidates.push(Math.max(s.viewChangeDeadline, s.stallGraceUntil ?? 0));
    } else {
      const oldest = s.pool.oldest();
      const at = complainAt(s);
      if (at !== undefined) {
        candidates.push(Math.max(at, s.stallGraceUntil ?? 0));
        const resend = complaintResendAt(s, requestTimers(s).complainAfter);
        if (resend !== undefined) candidates.push(resend);
      }
      if (oldest !== undefined) {
        const { forwardAfter } = requestTimers(s);
        for (const entry of s.pool.values()) {
          if (!entry.forwarded) {
            candidates.push(entry.since + forwardAfter);
            break;
          }
        }
        if (s.isLeader && !batchDue(s)) candidates.push(oldest.since + s.config.batchTimeout);
      }
    }
    if (s.behindSince !== undefined) {
      candidates.push(Math.max(s.behindSince + s.config.stateTransferDelay, s.transferDeadline ?? 0));
    }
    if (s.viewSyncAt !== undefined) candidates.push(s.viewSyncAt + s.config.viewChangeTimeout);
    const future = candidates.filter((t) => t > s.now || (t === s.now && s.resendViewChange));
    return future.length === 0 ? undefined : Math.min(...future);
  }
}

/**
 * Our own NEW-VIEW relayed back (an answer to new-view-request) for a view we have not installed.
 * It is then verified like anyone's: it is the one we signed, so adopting it cannot equivocate.
 */
function isForgottenOwnNewView(s: ReplicaState, envelope: Envelope): boolean {
  const body = envelope.body;
  if (body.type !== 'new-view' || s.leaderOf(body.view) !== s.id) return false;
  if (body.view < s.view || (body.view === s.view && s.mode === 'normal')) return false;
  return s.lastNewView?.body.view !== body.view;
}

/**
 * When this replica votes the leader out for the pending requests (SmartBFT request timer 2,
 * issue 14). It complains about missing progress, not request age: with requests pending and no
 * decision (or view installation) for forward + complain, the leader is stuck. A leader that
 * decides steadily but has a long backlog is left alone — the age of its oldest request only
 * counts against it beyond one period per batch queued ahead of that request when its timers
 * started or when we forwarded it (whichever saw more: clients reach replicas in different
 * orders, so the leader's queue ahead of it can be far longer than ours was), which still
 * exposes a leader that keeps deciding but censors one request.
 */
function complainAt(s: ReplicaState): number | undefined {
  const { forwardAfter, complainAfter } = requestTimers(s);
  const period = forwardAfter + complainAfter;
  const oldest = s.pool.oldest();
  if (oldest === undefined) return hasPendingProposal(s) ? s.lastProgressAt + period : undefined;
  const stalled = Math.max(oldest.since, s.lastProgressAt) + period;
  const censored = oldest.since + period * (1 + Math.ceil(oldest.ahead / s.config.batchMaxCount));
  return Math.min(stalled, censored);
}

/**
 * A proposal for our next sequence in the current view that we hold but have not decided. Its
 * requests may be in no pool of ours (a restart empties the pool; clients stop retrying once any
 * replica delivered), yet it is work the leader owes us: commits lost while we were down are never
 * re-sent, and without this a replica stuck on such a slot never complained (sim seed 6506 with
 * --n 4: two of three honest replicas stalled one decision short for good).
 */
function hasPendingProposal(s: ReplicaState): boolean {
  const slot = s.slots.get(s.tip.seq + 1);
  return slot !== undefined && slot.view === s.view && slot.prePrepare !== undefined;
}

/** Lateness of a tick beyond which this replica counts as having stalled (timers are not that late otherwise). */
function stallTolerance(s: ReplicaState): number {
  return s.config.requestForwardTimeout / 4;
}

/** The request timers in force: the configured ones, doubled per view installed without progress. */
function requestTimers(s: ReplicaState): { forwardAfter: number; complainAfter: number } {
  const scale = 2 ** s.requestTimerDoublings;
  return { forwardAfter: s.config.requestForwardTimeout * scale, complainAfter: s.config.requestComplainTimeout * scale };
}
