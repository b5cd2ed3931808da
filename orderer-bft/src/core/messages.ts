import type { Proposal } from './dependencies.js';

/**
 * Protocol messages (PBFT §4, with SmartBFT's signed commits). Every message travels inside an
 * {@link Envelope} signed by its author; certificates are sets of such envelopes, so they can be
 * forwarded and re-verified by anyone (PBFT §4.4 "view-change messages carry proofs").
 */

/** PBFT §4.2 phase 1: the leader assigns `seq` to `proposal` in `view`. */
export interface PrePrepare {
  readonly type: 'pre-prepare';
  readonly view: number;
  readonly seq: number;
  readonly proposal: Proposal;
}

/** PBFT §4.2 phase 2. */
export interface Prepare {
  readonly type: 'prepare';
  readonly view: number;
  readonly seq: number;
  readonly digest: string;
}

/** PBFT §4.2 phase 3; `signature` is the replica's signature over the proposal (SmartBFT). */
export interface Commit {
  readonly type: 'commit';
  readonly view: number;
  readonly seq: number;
  readonly digest: string;
  readonly signature: Uint8Array;
}

/** PBFT §4.3: state digest after executing `seq` (here: hash of the decided header). */
export interface Checkpoint {
  readonly type: 'checkpoint';
  readonly seq: number;
  readonly digest: string;
}

/** PBFT §4.4: the set P of prepared certificates above the stable checkpoint. */
export interface ViewChange {
  readonly type: 'view-change';
  /** The view being moved to (v + 1 in the paper). */
  readonly view: number;
  readonly checkpoint: CheckpointCertificate;
  readonly prepared: readonly PreparedCertificate[];
}

/** PBFT §4.4: V (2f+1 view-changes) and O (re-issued pre-prepares). */
export interface NewView {
  readonly type: 'new-view';
  readonly view: number;
  readonly viewChanges: readonly Envelope<ViewChange>[];
  readonly prePrepares: readonly Envelope<PrePrepare>[];
}

/** Censorship resistance: a backup hands requests it saw to the leader (SmartBFT). */
export interface Forward {
  readonly type: 'forward';
  readonly requests: readonly Uint8Array[];
}

/** View synchronisation: asks peers for the NEW-VIEW of `view` a lagging replica missed. */
export interface NewViewRequest {
  readonly type: 'new-view-request';
  readonly view: number;
}

/**
 * Periodic status (SmartBFT-style heartbeat, sent by every replica): the last view it
 * installed and its decided height. f+1 matching claims tell a quiet, lagging replica that
 * it must synchronise its view or fetch decisions, even when no new request arrives.
 */
export interface Status {
  readonly type: 'status';
  readonly view: number;
  readonly seq: number;
}

/** Any protocol message body. */
/**
 * A non-binding vote to leave the current view (Raft's pre-vote, SmartBFT's complaint): sent when
 * request timers expire or the leader proposes garbage. Only f+1 complaints for `view` (one at
 * least honest) make a replica send the binding VIEW-CHANGE; a replica whose timers fire alone
 * (it was cut off) stays in its view instead of leaving for one nobody else enters (issue 17).
 */
export interface Complain {
  readonly type: 'complain';
  /** The view asked for: the sender's installed view + 1. */
  readonly view: number;
}

export type Message = PrePrepare | Prepare | Commit | Checkpoint | ViewChange | NewView | Forward | NewViewRequest | Status | Complain;

/** A message with its author and the author's signature over `canonicalBytes(body)`. */
export interface Envelope<M extends Message = Message> {
  readonly from: number;
  readonly body: M;
  readonly signature: Uint8Array;
}

/** PBFT §4.3 stable-checkpoint proof: 2f+1 matching signed checkpoints (empty at seq 0). */
export interface CheckpointCertificate {
  readonly seq: number;
  readonly digest: string;
  readonly proof: readonly Envelope<Checkpoint>[];
}

/** PBFT §4.2 prepared(m, v, n): the pre-prepare and 2f matching prepares from other replicas. */
export interface PreparedCertificate {
  readonly prePrepare: Envelope<PrePrepare>;
  readonly prepares: readonly Envelope<Prepare>[];
}
