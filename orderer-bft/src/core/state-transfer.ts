import { applyDecision } from './apply-decision.js';
import { hasValidQuorumSignatures } from './certificates.js';
import type { Decision } from './decision.js';
import { isWellFormedDecision } from './message-shape.js';
import { deliverCommitted } from './normal-case.js';
import { chainedRequestKeys } from './proposal-validation.js';
import type { ReplicaState } from './replica-state.js';

/** Records that `replica` has shown it decided up to `seq`. */
export function noteDecided(s: ReplicaState, replica: number, seq: number): void {
  if (replica !== s.id && seq > (s.decidedEvidence.get(replica) ?? 0)) s.decidedEvidence.set(replica, seq);
}

/** The highest sequence at least f+1 peers (so at least one honest one) have decided. */
function provenHeight(s: ReplicaState): number {
  const heights = [...s.decidedEvidence.values()].sort((a, b) => b - a);
  return Math.max(s.stable.seq, heights[s.f] ?? 0);
}

/** Starts the "behind" clock; `now` skips the grace period (a stable checkpoint proves it). */
export function markBehind(s: ReplicaState, now: boolean): void {
  if (now) s.behindSince = s.now - s.config.stateTransferDelay;
  else s.behindSince ??= s.now;
}

/**
 * Decides whether to fetch decisions from peers. Evidence from f+1 peers must persist for a
 * grace period first, because the missing commits may simply still be in flight.
 */
export function checkBehind(s: ReplicaState): void {
  if (provenHeight(s) <= s.tip.seq) {
    s.behindSince = undefined;
    s.transferDeadline = undefined;
    return;
  }
  markBehind(s, false);
  if (s.now - s.behindSince! < s.config.stateTransferDelay) return;
  if (s.transferDeadline !== undefined && s.now < s.transferDeadline) return;
  const peers = [...s.decidedEvidence.entries()]
    .filter(([, seq]) => seq > s.tip.seq)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .map(([replica]) => replica);
  s.transferDeadline = s.now + s.config.stateTransferTimeout;
  s.counters.stateTransfers += 1;
  s.emitNow({ type: 'requestStateTransfer', fromSeq: s.tip.seq + 1, peers });
}

/**
 * Applies fetched decisions in order. Each must carry 2f+1 valid commit signatures and chain
 * onto our tip; the first that does not is dropped with everything after it (the peer lied).
 */
export function onStateTransferred(s: ReplicaState, decisions: readonly unknown[]): void {
  const usable = decisions.filter((d): d is Decision => {
    if (isWellFormedDecision(d)) return true;
    s.counters.rejectedDecisions += 1;
    return false;
  });
  usable.sort((a, b) => a.seq - b.seq);
  let progressed = false;
  for (const decision of usable) {
    if (decision.seq <= s.tip.seq) continue;
    const contents = decision.seq === s.tip.seq + 1 && hasValidQuorumSignatures(s, decision)
      ? chainedRequestKeys(s, decision.proposal, decision.seq)
      : undefined;
    if (contents === undefined) {
      s.counters.rejectedDecisions += 1;
      break;
    }
    if (!applyDecision(s, decision, false, contents)) return;
    progressed = true;
  }
  if (progressed) {
    s.transferDeadline = undefined;
    deliverCommitted(s);
  }
}
