/**
 * World-state key design. Every query is a key-range scan (LevelDB has no rich queries):
 *
 * - `meter` composite keys `(meterId)` hold {@link MeterRecord}s (paged by partial key);
 * - `measurement` composite keys `(meterId, seq20)` hold one record per reading: the key's
 *   existence IS the replay protection, no per-meter counter (no hot key, no MVCC conflicts
 *   between readings of one meter);
 * - simple keys `idx:t:<meterId>:<t0>:<seq>` index readings by meter and time and
 *   `idx:v:<t0>:<meterId>:<seq>` index violations by time, so time windows are plain range
 *   scans (the shim refuses `getStateByRange` on composite keys). Meter ids cannot contain `:`.
 *
 * Numbers in keys are fixed-width decimal so lexical order is numeric order; t0 (int64) is
 * offset by 2^63 first.
 */
export const KEY_TYPES = {
  GOVERNANCE: 'governance',
  METER: 'meter',
  MEASUREMENT: 'measurement',
  SIGNATURE_CHECK: 'signature-check',
} as const;

const INT64_OFFSET = 1n << 63n;
const WIDTH = 20;

/** Fixed-width decimal of a uint64, for keys. */
export function seqKeyPart(seq: bigint): string {
  return seq.toString().padStart(WIDTH, '0');
}

/** Fixed-width decimal of an int64 microsecond time, shifted to be non-negative, for keys. */
export function timeKeyPart(t0Us: bigint): string {
  return (t0Us + INT64_OFFSET).toString().padStart(WIDTH, '0');
}

/** Key of the reading index by meter and time. */
export function meterTimeIndexKey(meterId: string, t0Us: bigint, seq: bigint): string {
  return `idx:t:${meterId}:${timeKeyPart(t0Us)}:${seqKeyPart(seq)}`;
}

/** [start, end) of the reading index for one meter and [fromUs, toUs). */
export function meterTimeRange(meterId: string, fromUs: bigint, toUs: bigint): [string, string] {
  return [`idx:t:${meterId}:${timeKeyPart(fromUs)}`, `idx:t:${meterId}:${timeKeyPart(toUs)}`];
}

/** Key of the violation index by time. */
export function violationIndexKey(t0Us: bigint, meterId: string, seq: bigint): string {
  return `idx:v:${timeKeyPart(t0Us)}:${meterId}:${seqKeyPart(seq)}`;
}

/** [start, end) of the violation index for [fromUs, toUs). */
export function violationRange(fromUs: bigint, toUs: bigint): [string, string] {
  return [`idx:v:${timeKeyPart(fromUs)}`, `idx:v:${timeKeyPart(toUs)}`];
}

/** Smallest and one past the largest int64, the bounds of an open time window. */
export const INT64_MIN = -(1n << 63n);
export const INT64_END = 1n << 63n;
