import type { Decision } from './decision.js';
import type { Proposal } from './dependencies.js';
import type {
  CheckpointCertificate, Envelope, NewView, PrePrepare, PreparedCertificate, ViewChange,
} from './messages.js';
import type { ReplicaState } from './replica-state.js';

/** What a NEW-VIEW must contain, computed from its view-change set (PBFT §4.4). */
export interface NewViewPlan {
  /** The highest stable checkpoint in V (min-s). */
  readonly checkpoint: CheckpointCertificate;
  /** Proposals to re-issue for min-s < n ≤ max-s, in sequence order. */
  readonly entries: readonly { readonly seq: number; readonly digest: string; readonly proposal: Proposal }[];
}

/** PBFT §4.3: 2f+1 distinct, valid, matching checkpoint messages at a multiple of K (the genesis needs none). */
export function isValidCheckpointCertificate(s: ReplicaState, cert: CheckpointCertificate): boolean {
  if (cert.seq === 0) return cert.digest === s.headerDigest(s.deps.genesisHeader) && cert.proof.length === 0;
  // Checkpoints exist only every K decisions; one elsewhere would move the water marks off-grid.
  if (!Number.isInteger(cert.seq) || cert.seq < 0 || cert.seq % s.config.checkpointInterval !== 0) return false;
  const signers = new Set<number>();
  for (const vote of cert.proof) {
    if (vote.body.seq !== cert.seq || vote.body.digest !== cert.digest || signers.has(vote.from)) return false;
    if (!s.verifyEnvelope(vote)) return false;
    signers.add(vote.from);
  }
  return signers.size >= s.quorum;
}

/** PBFT §4.2 prepared predicate, checked from signed messages only: pre-prepare + 2f prepares. */
export function isValidPreparedCertificate(s: ReplicaState, cert: PreparedCertificate, beforeView: number): boolean {
  const { view, seq, proposal } = cert.prePrepare.body;
  const leader = s.leaderOf(view);
  if (view >= beforeView || cert.prePrepare.from !== leader || !s.verifyEnvelope(cert.prePrepare)) return false;
  const digest = s.proposalDigest(proposal);
  const signers = new Set<number>();
  for (const prepare of cert.prepares) {
    const body = prepare.body;
    if (body.view !== view || body.seq !== seq || body.digest !== digest) return false;
    if (prepare.from === leader || signers.has(prepare.from) || !s.verifyEnvelope(prepare)) return false;
    signers.add(prepare.from);
  }
  return signers.size >= s.quorum - 1;
}

/**
 * PBFT §4.4: a view-change is usable only if its checkpoint proof and every prepared
 * certificate verify and the certificates lie inside the sender's log window. A lying
 * replica (fake certificate) gets its whole message discarded.
 */
export function isValidViewChange(s: ReplicaState, envelope: Envelope<ViewChange>): boolean {
  const { view, checkpoint, prepared } = envelope.body;
  if (view === 0 || !isValidCheckpointCertificate(s, checkpoint)) return false;
  const seqs = new Set<number>();
  for (const cert of prepared) {
    const seq = cert.prePrepare.body.seq;
    if (seq <= checkpoint.seq || seq > checkpoint.seq + s.config.logWindow || seqs.has(seq)) return false;
    if (!isValidPreparedCertificate(s, cert, view)) return false;
    seqs.add(seq);
  }
  return true;
}

/**
 * PBFT §4.4 new-view computation: min-s is the latest stable checkpoint in V; for each n above
 * it, re-issue the proposal of the prepared certificate with the highest view. The paper
 * fills gaps with null requests; here proposals form a hash chain and a leader proposes
 * sequence n+1 only once n is decided, so a valid certificate for n+1 implies one for n in
 * any 2f+1 view-changes: a gap cannot occur, and the plan stops at the first one rather
 * than invent a block that would break the chain.
 */
export function planNewView(s: ReplicaState, viewChanges: readonly Envelope<ViewChange>[]): NewViewPlan {
  let checkpoint = viewChanges[0]!.body.checkpoint;
  /** Per seq: the highest view seen, and per digest at that view its proposal and supporters. */
  const best = new Map<number, { view: number; byDigest: Map<string, { proposal: Proposal; support: number }> }>();
  for (const vc of viewChanges) {
    if (vc.body.checkpoint.seq > checkpoint.seq) checkpoint = vc.body.checkpoint;
    for (const cert of vc.body.prepared) {
      const { seq, view, proposal } = cert.prePrepare.body;
      let current = best.get(seq);
      if (current === undefined || view > current.view) {
        current = { view, byDigest: new Map() };
        best.set(seq, current);
      }
      if (view < current.view) continue;
      const digest = s.proposalDigest(proposal);
      const candidate = current.byDigest.get(digest) ?? { proposal, support: 0 };
      candidate.support += 1;
      current.byDigest.set(digest, candidate);
    }
  }
  const entries: { seq: number; digest: string; proposal: Proposal }[] = [];
  for (let seq = checkpoint.seq + 1; ; seq += 1) {
    const candidates = best.get(seq);
    if (candidates === undefined) break;
    const [digest, { proposal }] = pickCandidate(candidates.byDigest);
    entries.push({ seq, digest, proposal });
  }
  return { checkpoint, entries };
}

/**
 * Chooses among prepared certificates of one (view, seq). Two valid ones with different digests
 * need two quorums of 2f+1 that overlap in f+1 replicas, each of which signed both — more than f
 * faulty, so PBFT promises nothing and the choice only has to do the least harm. A digest
 * decided in that view was prepared by 2f+1 replicas, so at least f+1 of the 2f+1 senders of V
 * prepared it too, while a digest reported by fewer senders than its rival is the one that can
 * have been decided only if even more of V lied: prefer the best-supported digest. Remaining
 * ties go to the smaller digest — a rule of the certificates alone, so every backup derives the
 * same O whatever order V lists its senders in (the old rule, "first sender wins", let the
 * leader pick by arranging V). Replicas that decided the other digest refuse the entry anyway
 * (`installReissued`), so a wrong pick can stall the sequence but not fork it.
 */
function pickCandidate(byDigest: Map<string, { proposal: Proposal; support: number }>): [string, { proposal: Proposal; support: number }] {
  let chosen: [string, { proposal: Proposal; support: number }] | undefined;
  for (const entry of byDigest) {
    if (chosen === undefined || entry[1].support > chosen[1].support || (entry[1].support === chosen[1].support && entry[0] < chosen[0])) {
      chosen = entry;
    }
  }
  return chosen!;
}

/**
 * PBFT §4.4 backup check of NEW-VIEW: V holds 2f+1 valid view-changes for this view from
 * distinct replicas, and O is exactly what {@link planNewView} derives from V.
 */
export function verifyNewView(s: ReplicaState, envelope: Envelope<NewView>): NewViewPlan | undefined {
  const { view, viewChanges, prePrepares } = envelope.body;
  const leader = s.leaderOf(view);
  if (envelope.from !== leader || viewChanges.length === 0) return undefined;
  const senders = new Set<number>();
  for (const vc of viewChanges) {
    if (vc.body.view !== view || senders.has(vc.from) || !s.verifyEnvelope(vc) || !isValidViewChange(s, vc)) return undefined;
    senders.add(vc.from);
  }
  if (senders.size < s.quorum) return undefined;
  const plan = planNewView(s, viewChanges);
  if (prePrepares.length !== plan.entries.length) return undefined;
  const matches = plan.entries.every((entry, i) => {
    const pp: Envelope<PrePrepare> = prePrepares[i]!;
    return (
      pp.from === leader && pp.body.view === view && pp.body.seq === entry.seq &&
      s.proposalDigest(pp.body.proposal) === entry.digest && s.verifyEnvelope(pp)
    );
  });
  return matches ? plan : undefined;
}

/** A decision is self-certifying: 2f+1 distinct valid commit signatures over its proposal. */
export function hasValidQuorumSignatures(s: ReplicaState, decision: Decision): boolean {
  if (decision.digest !== s.proposalDigest(decision.proposal)) return false;
  const context = { sequence: decision.seq, view: decision.view, digest: decision.digest };
  const signers = new Set<number>();
  for (const { replica, signature } of decision.signatures) {
    if (replica >= s.config.n || signers.has(replica)) continue;
    if (s.deps.verifier.verifyProposalSignature(replica, decision.proposal, context, signature)) signers.add(replica);
  }
  return signers.size >= s.quorum;
}
