import type { Checkpoint, CheckpointCertificate, Envelope } from './messages.js';
import type { ReplicaState } from './replica-state.js';
import { markBehind, noteDecided } from './state-transfer.js';

/** PBFT §4.3: after executing a multiple of K, announce the state digest. */
export function emitCheckpoint(s: ReplicaState, seq: number, digest: string): void {
  const envelope = s.broadcast<Checkpoint>({ type: 'checkpoint', seq, digest });
  addVote(s, envelope);
}

/** PBFT §4.3: collect checkpoint votes inside the window; 2f+1 matching make it stable. */
export function onCheckpoint(s: ReplicaState, envelope: Envelope<Checkpoint>): void {
  const { seq } = envelope.body;
  noteDecided(s, envelope.from, seq);
  if (seq <= s.stable.seq || seq > s.highWater || seq % s.config.checkpointInterval !== 0) {
    s.counters.stale += 1;
    return;
  }
  addVote(s, envelope);
}

function addVote(s: ReplicaState, envelope: Envelope<Checkpoint>): void {
  const { seq, digest } = envelope.body;
  let votes = s.checkpointVotes.get(seq);
  if (votes === undefined) {
    votes = new Map();
    s.checkpointVotes.set(seq, votes);
  }
  if (votes.has(envelope.from)) return;
  votes.set(envelope.from, envelope);
  const matching = [...votes.values()].filter((v) => v.body.digest === digest).sort((a, b) => a.from - b.from);
  if (matching.length >= s.quorum) adoptCheckpoint(s, { seq, digest, proof: matching.slice(0, s.quorum) });
}

/**
 * Makes a proven checkpoint stable: persist it, move the low water mark and truncate the log
 * below it (PBFT §4.3 garbage collection). A checkpoint beyond our own history means we
 * are behind: fetch the missing decisions now.
 */
export function adoptCheckpoint(s: ReplicaState, certificate: CheckpointCertificate, replaying = false): void {
  if (certificate.seq <= s.stable.seq) return;
  s.stable = certificate;
  if (!replaying) s.persist({ kind: 'checkpoint', certificate });
  for (const seq of s.slots.keys()) if (seq <= certificate.seq) s.slots.delete(seq);
  for (const seq of s.preparedCertificates.keys()) if (seq <= certificate.seq) s.preparedCertificates.delete(seq);
  for (const seq of s.decidedDigests.keys()) if (seq <= certificate.seq) s.decidedDigests.delete(seq);
  for (const seq of s.checkpointVotes.keys()) if (seq <= certificate.seq) s.checkpointVotes.delete(seq);
  if (certificate.seq > s.tip.seq && !replaying) markBehind(s, true);
}
