import { applyDecision } from './apply-decision.js';
import type { CommitSignature, Decision } from './decision.js';
import type { Commit, Envelope, PrePrepare, Prepare } from './messages.js';
import { isAcceptableFreshProposal } from './proposal-validation.js';
import type { ReplicaState, Slot } from './replica-state.js';
import { noteDecided } from './state-transfer.js';
import { complain, noteView } from './view-change.js';

/**
 * Common admission for normal-case messages (PBFT §4.2): right view, not changing views, inside
 * the water marks. Messages for a later view are kept for when we install it.
 */
function admit(s: ReplicaState, envelope: Envelope<PrePrepare | Prepare | Commit>): boolean {
  const { view, seq } = envelope.body;
  noteDecided(s, envelope.from, seq - 1);
  noteView(s, envelope.from, view);
  if (view > s.view || (view === s.view && s.mode !== 'normal')) {
    s.bufferFuture(envelope.from, envelope);
    return false;
  }
  if (view < s.view || seq <= s.stable.seq || seq > s.acceptWater) {
    s.counters.stale += 1;
    return false;
  }
  return true;
}

/** PBFT §4.2: a backup records the leader's pre-prepare; one per (view, seq). */
export function onPrePrepare(s: ReplicaState, envelope: Envelope<PrePrepare>): void {
  const { view, seq, proposal } = envelope.body;
  if (envelope.from !== s.leaderOf(view)) {
    s.counters.malformed += 1;
    return;
  }
  if (!admit(s, envelope)) return;
  if (seq <= s.tip.seq) {
    s.counters.stale += 1;
    return;
  }
  const slot = s.slot(seq, view);
  if (slot.prePrepare !== undefined) {
    if (slot.digest !== s.proposalDigest(proposal)) s.counters.equivocations += 1;
    return;
  }
  slot.prePrepare = envelope;
  slot.digest = s.proposalDigest(proposal);
  tryAccept(s, slot);
}

/**
 * Validates and accepts a recorded pre-prepare: persist it (so we never prepare another one
 * for this (view, seq) after a crash), then send our prepare. A fresh proposal can only be
 * validated once the previous sequence is decided, since it must chain to it.
 */
export function tryAccept(s: ReplicaState, slot: Slot): void {
  if (slot.accepted || slot.prePrepare === undefined || slot.view !== s.view || s.mode !== 'normal') return;
  if (!slot.certified) {
    if (slot.seq !== s.tip.seq + 1) return;
    if (!isAcceptableFreshProposal(s, slot.prePrepare.body.proposal, slot.seq)) {
      // A leader proposing garbage or duplicates is faulty: vote it out (SmartBFT). A complaint,
      // not a view change: a leader that shows garbage to us alone must not strand us in view + 1.
      s.counters.rejectedProposals += 1;
      complain(s, s.config.requestComplainTimeout);
      return;
    }
    // Following (below our promised view) we never prepare: nothing to guard across a crash.
    if (!s.following) s.persist({ kind: 'pre-prepare', envelope: slot.prePrepare });
  }
  slot.accepted = true;
  if (!s.isLeader && !s.following) {
    const prepare = s.broadcast<Prepare>({ type: 'prepare', view: slot.view, seq: slot.seq, digest: slot.digest! });
    slot.prepares.set(s.id, prepare);
  }
  checkPrepared(s, slot);
}

/** PBFT §4.2 phase 2. */
export function onPrepare(s: ReplicaState, envelope: Envelope<Prepare>): void {
  if (!admit(s, envelope)) return;
  if (envelope.from === s.leaderOf(envelope.body.view)) {
    s.counters.malformed += 1;
    return;
  }
  const slot = s.slot(envelope.body.seq, envelope.body.view);
  const previous = slot.prepares.get(envelope.from);
  if (previous !== undefined) {
    if (previous.body.digest !== envelope.body.digest) s.counters.equivocations += 1;
    return;
  }
  slot.prepares.set(envelope.from, envelope);
  checkPrepared(s, slot);
}

/**
 * prepared(m, v, n): pre-prepare plus 2f matching prepares from distinct backups. The
 * certificate is persisted before our commit leaves (it must survive a crash to be carried
 * into view-changes, PBFT §4.4); the commit carries our signature over the proposal.
 */
export function checkPrepared(s: ReplicaState, slot: Slot): void {
  if (slot.prepared || !slot.accepted || slot.prePrepare === undefined || slot.digest === undefined) return;
  const matching = [...slot.prepares.values()].filter((p) => p.body.digest === slot.digest);
  if (matching.length < s.quorum - 1) return;
  matching.sort((a, b) => a.from - b.from);
  const certificate = { prePrepare: slot.prePrepare, prepares: matching.slice(0, s.quorum - 1) };
  slot.prepared = true;
  s.preparedCertificates.set(slot.seq, certificate);
  // Following: the certificate is the others' (true in any VIEW-CHANGE), but no commit of ours
  // leaves; the others' 2f+1 commits decide it for us.
  if (s.following) return checkCommitted(s, slot);
  s.persist({ kind: 'prepared', certificate });
  const context = { sequence: slot.seq, view: slot.view, digest: slot.digest };
  const signature = s.deps.signer.signProposal(slot.prePrepare.body.proposal, context);
  const commit = s.broadcast<Commit>({ type: 'commit', view: slot.view, seq: slot.seq, digest: slot.digest, signature });
  slot.commits.set(s.id, commit);
  slot.validCommitSignatures.add(s.id);
  checkCommitted(s, slot);
}

/** PBFT §4.2 phase 3. */
export function onCommit(s: ReplicaState, envelope: Envelope<Commit>): void {
  if (!admit(s, envelope)) return;
  const slot = s.slot(envelope.body.seq, envelope.body.view);
  if (slot.commits.has(envelope.from)) return;
  slot.commits.set(envelope.from, envelope);
  checkCommitted(s, slot);
}

/**
 * committed-local(m, v, n): prepared plus 2f+1 matching commits whose proposal signatures
 * verify (checked lazily: verifying needs the proposal, which may arrive after the commit).
 */
export function checkCommitted(s: ReplicaState, slot: Slot): void {
  if (slot.committed || !slot.prepared || slot.prePrepare === undefined) return;
  const context = { sequence: slot.seq, view: slot.view, digest: slot.digest! };
  const proposal = slot.prePrepare.body.proposal;
  let valid = 0;
  for (const [from, commit] of slot.commits) {
    if (commit.body.digest !== slot.digest) continue;
    if (!slot.validCommitSignatures.has(from)) {
      if (!s.deps.verifier.verifyProposalSignature(from, proposal, context, commit.body.signature)) {
        s.counters.invalidSignature += 1;
        slot.commits.delete(from);
        continue;
      }
      slot.validCommitSignatures.add(from);
    }
    valid += 1;
  }
  if (valid < s.quorum) return;
  slot.committed = true;
  deliverCommitted(s);
}

/** Executes committed slots in sequence order (PBFT §4.2 "executes … after all lower n"). */
export function deliverCommitted(s: ReplicaState): void {
  for (;;) {
    const slot = s.slots.get(s.tip.seq + 1);
    if (slot === undefined || !slot.committed) break;
    if (!applyDecision(s, toDecision(s, slot))) return;
  }
  const next = s.slots.get(s.tip.seq + 1);
  if (next !== undefined) tryAccept(s, next);
}

function toDecision(s: ReplicaState, slot: Slot): Decision {
  const signatures: CommitSignature[] = [];
  for (const [replica, commit] of slot.commits) {
    if (commit.body.digest === slot.digest && slot.validCommitSignatures.has(replica)) {
      signatures.push({ replica, signature: commit.body.signature });
    }
  }
  signatures.sort((a, b) => a.replica - b.replica);
  return {
    seq: slot.seq, view: slot.view, proposal: slot.prePrepare!.body.proposal, digest: slot.digest!,
    signatures: signatures.slice(0, s.quorum),
  };
}

/**
 * True when the leader may cut a batch now: nothing in flight and a cut condition holds. Never
 * while following (a pre-prepare is the leader's vote, and we voted to leave this view), nor
 * while our tip is below the stable checkpoint: adopting it dropped the slots at or below it,
 * including a pre-prepare of ours still in flight, so proposing `tip + 1` could sign a second
 * proposal for a (view, seq) we already proposed (sim seed 575). The decisions up to the
 * checkpoint are fetched instead (adoptCheckpoint marks us behind).
 */
export function batchDue(s: ReplicaState): boolean {
  if (!s.isLeader || s.mode !== 'normal' || s.following || s.pool.size === 0 || s.tip.seq + 1 > s.highWater) return false;
  if (s.tip.seq < s.stable.seq) return false;
  for (const slot of s.slots.values()) {
    // Window of one fresh proposal: the next one must chain to a decided header.
    if (slot.seq > s.tip.seq && slot.view === s.view && slot.prePrepare !== undefined) return false;
  }
  return (
    s.pool.size >= s.config.batchMaxCount ||
    s.pool.totalBytes >= s.config.batchMaxBytes ||
    s.now >= s.pool.oldest()!.since + s.config.batchTimeout
  );
}

/** Leader: cut a batch by count, bytes or timeout and pre-prepare it (PBFT §4.2 phase 1). */
export function maybePropose(s: ReplicaState): void {
  if (!batchDue(s)) return;
  const seq = s.tip.seq + 1;
  const batch = s.pool.batch(s.config.batchMaxCount, s.config.batchMaxBytes);
  const proposal = s.deps.assembler.assemble(batch, { sequence: seq, previousHeader: s.tip.header });
  const envelope = s.seal<PrePrepare>({ type: 'pre-prepare', view: s.view, seq, proposal });
  const slot = s.slot(seq, s.view);
  slot.prePrepare = envelope;
  slot.digest = s.proposalDigest(proposal);
  slot.accepted = true;
  s.persist({ kind: 'pre-prepare', envelope });
  if (s.config.n > 1) s.emit({ type: 'broadcast', envelope });
  checkPrepared(s, slot);
}
