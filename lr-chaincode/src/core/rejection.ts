/**
 * Every reason the LR software may give for not producing a speed (spec "What the LR software
 * computes"). The codes are stable: they are written to the ledger and read by auditors.
 */
export const REJECTION_REASONS = [
  'MALFORMED',
  'BAD_SIGNATURE',
  'UNKNOWN_METER',
  'REVOKED_METER',
  'REPLAYED_SEQ',
  'RATE_MISMATCH',
  'NO_VEHICLE',
  'SINGLE_LOOP',
  'MULTIPLE_VEHICLES',
  'REVERSE_DIRECTION',
  'CLIPPED',
  'LOW_CORRELATION',
  'SPEED_OUT_OF_RANGE',
  /** Since `dlr1-speed/1.2.0`: the speed is not constant within the pass (e.g. stop-and-go). */
  'NON_CONSTANT_SPEED',
] as const;

/** One of the spec's rejection reason codes. */
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** A typed rejection: a stable reason code plus a human-readable detail for the record. */
export interface Rejection<R extends RejectionReason = RejectionReason> {
  readonly ok: false;
  readonly reason: R;
  readonly detail: string;
}

/** Builds a {@link Rejection}. */
export function reject<R extends RejectionReason>(reason: R, detail: string): Rejection<R> {
  return { ok: false, reason, detail };
}

/** True when `value` is one of the spec's rejection reason codes. */
export function isRejectionReason(value: unknown): value is RejectionReason {
  return typeof value === 'string' && (REJECTION_REASONS as readonly string[]).includes(value);
}
