import type { ReplicaAction } from './actions.js';
import { toHex } from './bytes.js';
import { canonicalBytes } from './canonical-bytes.js';
import { faultsTolerated, leaderOf, quorumSize, type ReplicaConfig } from './config.js';
import type { Proposal, ReplicaDependencies } from './dependencies.js';
import type {
  Checkpoint, CheckpointCertificate, Commit, Envelope, Message, NewView, PrePrepare, Prepare,
  PreparedCertificate, ViewChange,
} from './messages.js';
import type { OrdererError } from './errors.js';
import { RequestPool } from './request-pool.js';
import type { WalRecord } from './wal-record.js';

/** Per-sequence agreement state for the slot's current view (PBFT §4.2 message log). */
export interface Slot {
  readonly seq: number;
  view: number;
  prePrepare?: Envelope<PrePrepare>;
  digest?: string;
  /** Came from a verified NEW-VIEW: already validated by a quorum in an earlier view. */
  certified: boolean;
  /** Validated, persisted and our prepare (or, at the leader, pre-prepare) sent. */
  accepted: boolean;
  prepares: Map<number, Envelope<Prepare>>;
  commits: Map<number, Envelope<Commit>>;
  validCommitSignatures: Set<number>;
  prepared: boolean;
  committed: boolean;
}

/** The last decided sequence with what the next proposal chains to. */
export interface DecidedTip {
  readonly seq: number;
  readonly header: Uint8Array;
  readonly digest: string;
}

/** Counters of everything dropped, for tests, the simulator and later metrics. */
export interface ReplicaCounters {
  invalidSignature: number;
  malformed: number;
  stale: number;
  equivocations: number;
  rejectedProposals: number;
  rejectedViewChanges: number;
  rejectedNewViews: number;
  rejectedDecisions: number;
  /** Re-issued pre-prepares refused because they contradict a sequence we already decided. */
  conflictingReissues: number;
  viewChangesStarted: number;
  stateTransfers: number;
  /** new-view-request messages ignored because the sender asked again too soon. */
  throttledNewViewRequests: number;
}

/**
 * Messages for later views kept per sender. Per sender, so that one Byzantine replica flooding
 * validly signed future-view messages only evicts its own (issue 14); 64 covers a log window of
 * pre-prepares/prepares/commits plus a view change with the default timing.
 */
export const FUTURE_BUFFER_PER_SENDER = 64;

/**
 * The mutable state of one replica plus its outbox. The protocol logic lives in separate
 * modules (normal case, view change, checkpoints, state transfer) operating on this object.
 */
export class ReplicaState {
  readonly f: number;
  readonly quorum: number;
  now = 0;
  view = 0;
  /** The last view we installed (equals `view` unless changing views). */
  installedView = 0;
  /**
   * Highest view we ever sent a VIEW-CHANGE for: we promised to leave every view below it. A
   * replica back in a lower view (its VIEW-CHANGE was lone, issue 17) only follows there, casting
   * no vote, since that VIEW-CHANGE may still be used in a NEW-VIEW (see {@link ReplicaState.following}).
   */
  promisedView = 0;
  nextStatusAt = 0;
  mode: 'normal' | 'view-change' = 'normal';
  tip: DecidedTip;
  stable: CheckpointCertificate;
  readonly slots = new Map<number, Slot>();
  /** Highest-view prepared certificate per sequence above the stable checkpoint (PBFT's P). */
  readonly preparedCertificates = new Map<number, PreparedCertificate>();
  /**
   * Digest of every decision above the stable checkpoint. A re-issued pre-prepare (NEW-VIEW's O)
   * is checked against it: a sequence we decided is never prepared or committed for another digest.
   */
  readonly decidedDigests = new Map<number, string>();
  /** Keys of every delivered request: the dedup table (grows with the ledger). */
  readonly delivered = new Set<string>();
  readonly pool: RequestPool;
  readonly checkpointVotes = new Map<number, Map<number, Envelope<Checkpoint>>>();
  /** Each replica's latest valid VIEW-CHANGE (older ones are superseded: views only grow). */
  readonly latestViewChanges = new Map<number, Envelope<ViewChange>>();
  newViewSentFor = -1;
  lastNewView?: Envelope<NewView>;
  /** When the new-view timer expires (armed) or our VIEW-CHANGE is re-sent (not yet armed). */
  viewChangeDeadline?: number;
  /** View changes whose new-view timer expired since the last installed view (PBFT's backoff). */
  viewChangeAttempts = 0;
  /** The new-view timer runs: 2f+1 replicas ask for our view or a later one (PBFT §4.5.2). */
  viewChangeTimerArmed = false;
  /** Re-sends of our VIEW-CHANGE for the current view while it waits for its quorum. */
  viewChangeResends = 0;
  resendViewChange = false;
  /** Restored from our own durable NEW-VIEW: broadcast it again on the first tick. */
  resendNewView = false;
  /**
   * Doublings of the request timers: +1 for each view installed with no decision since the one
   * before, 0 again once a view makes progress (PBFT §4.5.2's backoff, applied to the timers that
   * start view changes, so an overloaded but correct leader gets time instead of being voted out).
   */
  requestTimerDoublings = 0;
  /** Decided height when the current view was installed. */
  tipAtViewInstall = 0;
  /** Time of the last decision or view installation: the request timers measure progress from it. */
  lastProgressAt = 0;
  /** Messages for views above ours, per sender in arrival order, replayed once the view is installed. */
  readonly future = new Map<number, { from: number; envelope: Envelope }[]>();
  /** Buffered messages whose view was just installed, to be processed again. */
  replay: { from: number; envelope: Envelope }[] = [];
  /** Per replica: highest sequence it has shown to have decided. */
  readonly decidedEvidence = new Map<number, number>();
  /** Per replica: highest view of a normal-case message it sent us. */
  readonly viewEvidence = new Map<number, number>();
  /** Per replica: the view its latest complaint asked for (only `view + 1` counts). */
  readonly complaints = new Map<number, number>();
  /** Our latest complaint, re-sent once per complain period while its cause lasts. */
  lastComplaint?: { readonly view: number; readonly at: number };
  behindSince?: number;
  /** After a stall of this replica, no complaint before this time (what arrived meanwhile is read first). */
  stallGraceUntil?: number;
  /** Set once a safety invariant broke: the replica stopped for good (see the `halt` action). */
  halted?: OrdererError;
  /** Per replica: when we last answered its new-view-request (rate limit). */
  readonly newViewRequestServedAt = new Map<number, number>();
  transferDeadline?: number;
  viewSyncAt?: number;
  readonly counters: ReplicaCounters = {
    invalidSignature: 0, malformed: 0, stale: 0, equivocations: 0, rejectedProposals: 0,
    rejectedViewChanges: 0, rejectedNewViews: 0, rejectedDecisions: 0, conflictingReissues: 0, viewChangesStarted: 0, stateTransfers: 0,
    throttledNewViewRequests: 0,
  };

  private actions: ReplicaAction[] = [];
  private persistSeq = 0;
  private persistedUpTo = 0;
  private held: { after: number; action: ReplicaAction }[] = [];
  private readonly verified = new WeakSet<object>();

  constructor(readonly config: ReplicaConfig, readonly deps: ReplicaDependencies) {
    this.f = faultsTolerated(config.n);
    this.quorum = quorumSize(config);
    this.pool = new RequestPool(config.poolMaxSize);
    const genesisDigest = this.headerDigest(deps.genesisHeader);
    this.tip = { seq: 0, header: deps.genesisHeader, digest: genesisDigest };
    this.stable = { seq: 0, digest: genesisDigest, proof: [] };
  }

  get id(): number {
    return this.config.id;
  }

  get isLeader(): boolean {
    return leaderOf(this.view, this.config.n) === this.id;
  }

  /**
   * True in a view below {@link ReplicaState.promisedView}: decisions are learnt from the others'
   * commit quorums, but no pre-prepare, prepare, commit or NEW-VIEW leaves. PBFT's view-change proof
   * relies on every honest VIEW-CHANGE listing what its sender prepared; ours for the promised view
   * was sent before anything we could prepare here, so voting here could let a NEW-VIEW with it
   * re-propose something else at a decided sequence.
   */
  get following(): boolean {
    return this.view < this.promisedView;
  }

  leaderOf(view: number): number {
    return leaderOf(view, this.config.n);
  }

  /** High water mark: sequences above it are outside the log window (PBFT §4.3). */
  get highWater(): number {
    return this.stable.seq + this.config.logWindow;
  }

  /**
   * Highest sequence whose messages we keep. The same as {@link highWater} for a replica in step;
   * one that caught up by state transfer has a tip far above its stable checkpoint (the votes that
   * would have made later checkpoints stable went by while it was away), and measuring the window
   * from the stable checkpoint would drop every current message as stale, so it could never vote
   * again nor see the checkpoint that moves its window (issue 17). Decided sequences are final, so
   * the window may start at the tip; memory stays bounded by L beyond it.
   */
  get acceptWater(): number {
    return Math.max(this.stable.seq, this.tip.seq) + this.config.logWindow;
  }

  hex(bytes: Uint8Array): string {
    return toHex(this.deps.hasher.hash(bytes));
  }

  headerDigest(header: Uint8Array): string {
    return this.hex(header);
  }

  /** Digest binding header and payload, length-prefixed so the split point is unambiguous. */
  proposalDigest(proposal: Proposal): string {
    const bytes = new Uint8Array(8 + proposal.header.byteLength + proposal.payload.byteLength);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(proposal.header.byteLength));
    bytes.set(proposal.header, 8);
    bytes.set(proposal.payload, 8 + proposal.header.byteLength);
    return this.hex(bytes);
  }

  seal<M extends Message>(body: M): Envelope<M> {
    const envelope = { from: this.id, body, signature: this.deps.signer.sign(canonicalBytes(body)) };
    this.verified.add(envelope);
    return envelope;
  }

  /** Verifies the author's signature; results are cached per (immutable) envelope object. */
  verifyEnvelope(envelope: Envelope): boolean {
    if (this.verified.has(envelope)) return true;
    if (envelope.from >= this.config.n) return false;
    const ok = this.deps.verifier.verify(envelope.from, canonicalBytes(envelope.body), envelope.signature);
    if (ok) this.verified.add(envelope);
    return ok;
  }

  slot(seq: number, view: number): Slot {
    let slot = this.slots.get(seq);
    if (slot === undefined || slot.view < view) {
      slot = {
        seq, view, certified: false, accepted: false, prepares: new Map(), commits: new Map(),
        validCommitSignatures: new Set(), prepared: false, committed: false,
      };
      this.slots.set(seq, slot);
    }
    return slot;
  }

  /** Empties the future-view buffers: senders in id order, each in arrival order. */
  takeFuture(): { from: number; envelope: Envelope }[] {
    const out = [...this.future.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, queue]) => queue);
    this.future.clear();
    return out;
  }

  /** Keeps a message of a later view; `from` is its authenticated author. */
  bufferFuture(from: number, envelope: Envelope): void {
    let queue = this.future.get(from);
    if (queue === undefined) {
      queue = [];
      this.future.set(from, queue);
    }
    queue.push({ from, envelope });
    if (queue.length > FUTURE_BUFFER_PER_SENDER) queue.shift();
  }

  // ---- outbox: messages that depend on a WAL record wait until it is durable ----

  persist(record: WalRecord): void {
    this.persistSeq += 1;
    this.actions.push({ type: 'persist', id: this.persistSeq, record });
  }

  /** Queues an action that must not overtake any persist issued before it. */
  emit(action: ReplicaAction): void {
    if (this.persistSeq > this.persistedUpTo) this.held.push({ after: this.persistSeq, action });
    else this.actions.push(action);
  }

  /** Queues an action with no durability precondition (timers, state transfer requests). */
  emitNow(action: ReplicaAction): void {
    this.actions.push(action);
  }

  broadcast<M extends Message>(body: M): Envelope<M> {
    const envelope = this.seal(body);
    if (this.config.n > 1) this.emit({ type: 'broadcast', envelope });
    return envelope;
  }

  send(to: number, body: Message): void {
    this.emit({ type: 'send', to, envelope: this.seal(body) });
  }

  markPersisted(upTo: number): void {
    this.persistedUpTo = Math.max(this.persistedUpTo, Math.min(upTo, this.persistSeq));
    while (this.held.length > 0 && this.held[0]!.after <= this.persistedUpTo) {
      this.actions.push(this.held.shift()!.action);
    }
  }

  /** Takes the actions produced so far. */
  drain(): ReplicaAction[] {
    const out = this.actions;
    this.actions = [];
    return out;
  }

  /** Treats all records issued so far as durable (used while rebuilding from a WAL). */
  forgetPersists(): void {
    this.persistedUpTo = this.persistSeq;
    this.actions = [];
    this.held = [];
  }
}
