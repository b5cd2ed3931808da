/**
 * A structurally valid DLR1 reading. Produced only by {@link decodeDlr1}; the signature has not
 * necessarily been checked yet (see `verifyReadingSignature`).
 */
export interface Dlr1Reading {
  readonly version: number;
  readonly flags: number;
  readonly meterId: string;
  /** uint64 per-meter sequence number, ≥ 1. */
  readonly seq: bigint;
  /** int64 Unix time in microseconds of sample 0 (meter clock, UTC). */
  readonly t0Us: bigint;
  readonly sampleRateHz: number;
  /** Samples per channel. */
  readonly n: number;
  /** SHA-256 of the off-ledger evidence image, or null when flag bit 0 is clear. */
  readonly evidenceSha256: Uint8Array | null;
  /** Loop A (upstream) counts. */
  readonly loopA: Uint16Array;
  /** Loop B (downstream) counts. */
  readonly loopB: Uint16Array;
  /** r ‖ s, 32 bytes each. */
  readonly signature: Uint8Array;
  /** Bytes [0, 80+4n): exactly what the meter signed. */
  readonly signedBytes: Uint8Array;
  /** The whole reading as received. */
  readonly raw: Uint8Array;
}
