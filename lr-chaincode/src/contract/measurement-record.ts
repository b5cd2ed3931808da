import { createHash } from 'node:crypto';
import type { Dlr1Reading, SiteParameters } from '../core/index.js';
import type { LrIdentity } from './lr-identity.js';
import type { Actor } from './registrar-check.js';
import type { SpeedResult } from './speed-algorithm.js';
import { assessViolation } from './violation.js';

/**
 * The ledger record of one authentic reading: accepted with a speed, or invalidated with a
 * reason. Every number is an integer (0.01 km/h, cm, µs as decimal strings) so the canonical
 * JSON bytes are identical on every endorser. The raw reading is not here: it stays in the
 * transaction (block); `rawSha256` binds the record to it.
 */
export interface MeasurementRecord {
  readonly meterId: string;
  /** uint64 as decimal string. */
  readonly seq: string;
  /** int64 µs since the Unix epoch (meter clock) as decimal string. */
  readonly t0Us: string;
  readonly sampleRateHz: number;
  readonly samples: number;
  readonly verdict: 'ACCEPTED' | 'INVALIDATED';
  readonly reason: string | null;
  readonly detail: string | null;
  readonly speedCentiKmh: number | null;
  readonly lengthCm: number | null;
  readonly shiftMicros: number | null;
  readonly correlationPermille: number | null;
  readonly speedLimitKmh: number;
  readonly toleranceCentiKmh: number | null;
  readonly consideredSpeedCentiKmh: number | null;
  readonly violation: boolean;
  readonly rawSha256: string;
  readonly evidenceSha256: string | null;
  readonly lr: LrIdentity;
  readonly txId: string;
  /** Proposal timestamp, ISO 8601 (the same on every endorser). */
  readonly recordedAt: string;
  readonly submittedBy: Actor;
}

/** Where and by whom a record is made. */
export interface RecordContext {
  readonly lr: LrIdentity;
  readonly txId: string;
  readonly recordedAt: string;
  readonly submittedBy: Actor;
}

/** Builds the record of an authentic reading from the algorithm's result. Pure. */
export function buildMeasurementRecord(reading: Dlr1Reading, site: SiteParameters, result: SpeedResult, where: RecordContext): MeasurementRecord {
  const common = {
    meterId: reading.meterId,
    seq: reading.seq.toString(),
    t0Us: reading.t0Us.toString(),
    sampleRateHz: reading.sampleRateHz,
    samples: reading.n,
    speedLimitKmh: site.speedLimitKmh,
    rawSha256: createHash('sha256').update(reading.raw).digest('hex'),
    evidenceSha256: reading.evidenceSha256 ? Buffer.from(reading.evidenceSha256).toString('hex') : null,
    lr: where.lr,
    txId: where.txId,
    recordedAt: where.recordedAt,
    submittedBy: where.submittedBy,
  };
  if (!result.ok) {
    return {
      ...common,
      verdict: 'INVALIDATED',
      reason: result.reason,
      detail: result.detail,
      speedCentiKmh: null,
      lengthCm: null,
      shiftMicros: null,
      correlationPermille: null,
      toleranceCentiKmh: null,
      consideredSpeedCentiKmh: null,
      violation: false,
    };
  }
  const assessment = assessViolation(result.speedCentiKmh, site.speedLimitKmh);
  return {
    ...common,
    verdict: 'ACCEPTED',
    reason: null,
    detail: null,
    speedCentiKmh: result.speedCentiKmh,
    lengthCm: result.lengthCm,
    shiftMicros: result.shiftMicros,
    correlationPermille: result.correlationPermille,
    toleranceCentiKmh: assessment.toleranceCentiKmh,
    consideredSpeedCentiKmh: assessment.consideredCentiKmh,
    violation: assessment.violation,
  };
}
