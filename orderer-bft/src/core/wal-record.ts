import type { Decision } from './decision.js';
import type { CheckpointCertificate, Envelope, NewView, PrePrepare, PreparedCertificate } from './messages.js';

/**
 * What the core asks its host to make durable, in order. Each record is written (and fsynced)
 * before any message that depends on it leaves the replica — the core holds those messages
 * back until the host answers `persisted`. A restarted replica is rebuilt from these records
 * alone, which is what prevents equivocation across a crash:
 * - `pre-prepare`: the proposal accepted (or, at the leader, sent) at (view, seq); never a different one.
 * - `prepared`: the prepared certificate, before our commit is sent (PBFT §4.4 needs it in view-changes).
 * - `view-change`: we left every view below `view`; no message for those views is sent again.
 * - `new-view`: the view we installed (with its proof, to serve lagging peers).
 * - `decision`: a decided proposal, before it is delivered; the ledger must contain every one.
 * - `checkpoint`: a stable checkpoint; records below it (except decisions) may be discarded.
 */
export type WalRecord =
  | { readonly kind: 'pre-prepare'; readonly envelope: Envelope<PrePrepare> }
  | { readonly kind: 'prepared'; readonly certificate: PreparedCertificate }
  | { readonly kind: 'view-change'; readonly view: number }
  | { readonly kind: 'new-view'; readonly view: number; readonly envelope: Envelope<NewView> }
  | { readonly kind: 'decision'; readonly decision: Decision }
  | { readonly kind: 'checkpoint'; readonly certificate: CheckpointCertificate };
