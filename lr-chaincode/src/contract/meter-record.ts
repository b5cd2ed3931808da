import type { SiteParameters } from '../core/index.js';
import type { Actor } from './registrar-check.js';

/** A meter as registered by a notified body: its key, its protected site parameters, its status. */
export interface MeterRecord {
  readonly meterId: string;
  /** SEC1 P-256 point, lower-case hex. */
  readonly publicKeyHex: string;
  readonly site: SiteParameters;
  readonly status: 'ACTIVE' | 'REVOKED';
  readonly registeredBy: Actor;
  readonly registeredTxId: string;
  /** Proposal timestamp (same on every endorser), ISO 8601. */
  readonly registeredAt: string;
  readonly revokedBy?: Actor;
  readonly revokedTxId?: string;
  readonly revokedAt?: string;
  readonly revocationReason?: string;
}
