import { decodeDlr1, verifyReadingSignature, type Dlr1Reading, type MeterPublicKey } from '@speedledger/lr-chaincode/core';
import { identityOf, type ReadingIdentity } from '../reading/reading-identity.js';

/** A meter as the edge cache knows it. */
export interface EdgeMeter {
  readonly meterId: string;
  readonly status: 'ACTIVE' | 'REVOKED';
  readonly key: MeterPublicKey;
}

/** Reason codes the edge can give (the DLR1 / chaincode codes; the chaincode still rules). */
export type EdgeRefusalCode = 'MALFORMED' | 'BAD_SIGNATURE' | 'UNKNOWN_METER' | 'REVOKED_METER';

/** The edge's verdict on one reading. */
export type EdgeVerdict =
  | { readonly ok: true; readonly reading: Dlr1Reading; readonly identity: ReadingIdentity }
  | { readonly ok: false; readonly code: EdgeRefusalCode; readonly detail: string; readonly meterId?: string; readonly seq?: string };

/** Structural decode only: MALFORMED or the reading. */
export function decodeAtEdge(bytes: Uint8Array): { ok: true; reading: Dlr1Reading } | { ok: false; code: 'MALFORMED'; detail: string } {
  const decoded = decodeDlr1(bytes);
  return decoded.ok ? decoded : { ok: false, code: 'MALFORMED', detail: decoded.detail };
}

/**
 * Judges a decoded reading against the cached registry entry (undefined: not registered). A fast
 * filter that keeps obvious garbage out of the queue; the chaincode judges again on commit.
 */
export function judgeAtEdge(reading: Dlr1Reading, meter: EdgeMeter | undefined): EdgeVerdict {
  const ids = { meterId: reading.meterId, seq: reading.seq.toString() };
  if (meter === undefined) return { ok: false, code: 'UNKNOWN_METER', detail: `meter ${reading.meterId} is not registered`, ...ids };
  if (meter.status === 'REVOKED') return { ok: false, code: 'REVOKED_METER', detail: `meter ${reading.meterId} is revoked`, ...ids };
  const check = verifyReadingSignature(reading, meter.key);
  if (!check.ok) return { ok: false, code: 'BAD_SIGNATURE', detail: check.detail, ...ids };
  return { ok: true, reading, identity: identityOf(reading) };
}
