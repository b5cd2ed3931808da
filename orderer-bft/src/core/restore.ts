import { applyDecision } from './apply-decision.js';
import { adoptCheckpoint } from './checkpointing.js';
import { OrdererError } from './errors.js';
import type { ReplicaState } from './replica-state.js';
import type { Commit, Prepare } from './messages.js';
import { installReissued, noteViewInstalled } from './view-change.js';
import type { WalRecord } from './wal-record.js';

/**
 * Rebuilds a replica from its WAL, in write order. Afterwards it knows every view it left,
 * every pre-prepare it accepted and every certificate it prepared, so it cannot equivocate,
 * and every decision it made, so it cannot lose or re-deliver one. A replica that crashed
 * while changing views re-sends its view-change on the first tick.
 */
export function restoreFromWal(s: ReplicaState, records: readonly WalRecord[]): void {
  records.forEach((record, index) => {
    switch (record.kind) {
      case 'decision': {
        const { seq } = record.decision;
        if (seq <= s.tip.seq) return;
        if (seq !== s.tip.seq + 1) {
          throw new OrdererError('INVALID_WAL', `decision ${seq} follows ${s.tip.seq}`, { replica: s.id, record: index, seq });
        }
        applyDecision(s, record.decision, true);
        return;
      }
      case 'checkpoint':
        adoptCheckpoint(s, record.certificate, true);
        return;
      case 'view-change':
        s.promisedView = Math.max(s.promisedView, record.view);
        if (record.view > s.view) {
          s.view = record.view;
          s.resendNewView = false;
          s.mode = 'view-change';
          s.resendViewChange = true;
        }
        return;
      case 'new-view':
        if (record.view > s.view || (record.view === s.view && s.mode === 'view-change')) {
          s.view = record.view;
          s.installedView = record.view;
          s.mode = 'normal';
          s.resendViewChange = false;
          s.lastNewView = record.envelope;
          // Our own NEW-VIEW may not have reached everyone before the crash: send the same one again.
          s.resendNewView = record.envelope.from === s.id;
          if (s.resendNewView) s.newViewSentFor = record.view;
          installReissued(s, record.envelope, false);
          noteViewInstalled(s);
        }
        return;
      case 'pre-prepare': {
        const { view, seq, proposal } = record.envelope.body;
        if (seq <= s.stable.seq) return;
        const slot = s.slot(seq, view);
        if (slot.view !== view) return;
        slot.prePrepare = record.envelope;
        slot.digest = s.proposalDigest(proposal);
        slot.accepted = true;
        // We sent our prepare right after this record became durable: it still counts.
        if (s.leaderOf(view) !== s.id && view >= s.promisedView) slot.prepares.set(s.id, s.seal<Prepare>({ type: 'prepare', view, seq, digest: slot.digest }));
        return;
      }
      case 'prepared': {
        const { view, seq } = record.certificate.prePrepare.body;
        if (seq <= s.stable.seq) return;
        const known = s.preparedCertificates.get(seq);
        if (known === undefined || known.prePrepare.body.view < view) s.preparedCertificates.set(seq, record.certificate);
        const slot = s.slots.get(seq);
        if (slot === undefined || slot.view !== view || slot.prePrepare === undefined || slot.digest === undefined) return;
        slot.prepared = true;
        for (const prepare of record.certificate.prepares) if (!slot.prepares.has(prepare.from)) slot.prepares.set(prepare.from, prepare);
        // Our commit left once this record was durable; re-signing the same (view, seq, digest)
        // is not equivocation, and without it a restarted replica would need 2f+1 other commits.
        const context = { sequence: seq, view, digest: slot.digest };
        const signature = s.deps.signer.signProposal(slot.prePrepare.body.proposal, context);
        slot.commits.set(s.id, s.seal<Commit>({ type: 'commit', view, seq, digest: slot.digest, signature }));
        slot.validCommitSignatures.add(s.id);
        return;
      }
      default:
        throw new OrdererError('INVALID_WAL', 'unknown WAL record kind', { replica: s.id, record: index });
    }
  });
  s.forgetPersists();
}
