/**
 * Byte layout of a DLR1 reading (see `shared/spec/dlr1.md`). All integers big-endian.
 * These constants are the single source of truth for every offset the LR software reads.
 */
export const DLR1 = {
  MAGIC: 'DLR1',
  VERSION: 1,
  CHANNELS: 2,
  /** flags bit 0: evidence digest present. Every other bit must be 0. */
  FLAG_EVIDENCE: 0x0001,
  OFFSET_MAGIC: 0,
  OFFSET_VERSION: 4,
  OFFSET_CHANNELS: 5,
  OFFSET_FLAGS: 6,
  OFFSET_METER_ID: 8,
  METER_ID_BYTES: 16,
  OFFSET_SEQ: 24,
  OFFSET_T0_US: 32,
  OFFSET_SAMPLE_RATE: 40,
  OFFSET_N: 44,
  OFFSET_EVIDENCE: 48,
  EVIDENCE_BYTES: 32,
  HEADER_BYTES: 80,
  SIGNATURE_BYTES: 64,
  MIN_SAMPLE_RATE_HZ: 100,
  MAX_SAMPLE_RATE_HZ: 20_000,
  MIN_SAMPLES: 16,
  MAX_SAMPLES: 32_768,
  /** A count of 65535 is a clipped sample. */
  CLIPPED_COUNT: 0xffff,
} as const;

/** Exact byte length of a DLR1 reading with `n` samples per channel: 144 + 4n. */
export function dlr1Length(n: number): number {
  return DLR1.HEADER_BYTES + 4 * n + DLR1.SIGNATURE_BYTES;
}

/** Largest possible DLR1 reading, the bound any transport should enforce before reading a body. */
export const DLR1_MAX_BYTES = dlr1Length(DLR1.MAX_SAMPLES);

const METER_ID_PATTERN = /^[A-Za-z0-9._-]{1,16}$/;

/** True when `meterId` is a valid DLR1 meter identifier (ASCII `[A-Za-z0-9._-]`, 1..16 chars). */
export function isValidMeterId(meterId: string): boolean {
  return METER_ID_PATTERN.test(meterId);
}
