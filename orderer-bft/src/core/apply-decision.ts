import { emitCheckpoint } from './checkpointing.js';
import { OrdererError } from './errors.js';
import type { Decision } from './decision.js';
import { chainedRequestKeys, type ProposalContents } from './proposal-validation.js';
import type { ReplicaState } from './replica-state.js';

/**
 * Makes `decision` (the next sequence) part of our history: WAL first, then delivery, then
 * the dedup table, the pool and — every K decisions — a checkpoint (PBFT §4.3). Used for
 * decisions reached by agreement and for those fetched by state transfer; `replaying` skips
 * every output when rebuilding from our own WAL; `contents` saves a caller that already
 * validated the proposal from doing it twice. A decision that does not chain halts the replica
 * (returns false; throws `INVALID_WAL` while replaying).
 */
export function applyDecision(
  s: ReplicaState,
  decision: Decision,
  replaying = false,
  contents: ProposalContents | undefined = chainedRequestKeys(s, decision.proposal, decision.seq),
): boolean {
  if (contents === undefined) {
    // Agreement guarantees every decision chains onto the previous one; one that does not means
    // more than f replicas are faulty. Delivering it would hand peers a broken ledger: stop.
    const ids = { replica: s.id, seq: decision.seq, view: decision.view };
    const message = `decision ${decision.seq} (view ${decision.view}) does not chain onto decision ${s.tip.seq}`;
    if (replaying) throw new OrdererError('INVALID_WAL', message, ids);
    s.halted = new OrdererError('DECISION_NOT_CHAINED', message, ids);
    s.emitNow({ type: 'halt', error: s.halted });
    return false;
  }
  if (!replaying) {
    s.persist({ kind: 'decision', decision });
    s.emit({ type: 'deliver', decision });
  }
  s.decidedDigests.set(decision.seq, decision.digest);
  s.lastProgressAt = s.now;
  s.tip = { seq: decision.seq, header: decision.proposal.header, digest: s.headerDigest(decision.proposal.header) };
  for (const key of contents.keys) {
    s.delivered.add(key);
    s.pool.remove(key);
  }
  if (!replaying && decision.seq % s.config.checkpointInterval === 0) emitCheckpoint(s, decision.seq, s.tip.digest);
  return true;
}
