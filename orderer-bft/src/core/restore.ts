import { applyDecision } from './apply-decision.js';
import { adoptCheckpoint } from './checkpointing.js';
import { OrdererError } from './errors.js';
import type { ReplicaState } from './replica-state.js';
import { installReissued } from './view-change.js';
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
        return;
      }
      case 'prepared': {
        const { view, seq } = record.certificate.prePrepare.body;
        if (seq <= s.stable.seq) return;
        const known = s.preparedCertificates.get(seq);
        if (known === undefined || known.prePrepare.body.view < view) s.preparedCertificates.set(seq, record.certificate);
        const slot = s.slots.get(seq);
        if (slot !== undefined && slot.view === view) slot.prepared = true;
        return;
      }
      default:
        throw new OrdererError('INVALID_WAL', 'unknown WAL record kind', { replica: s.id, record: index });
    }
  });
  s.forgetPersists();
}
