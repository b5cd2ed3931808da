/** Why the block puller left a replica; every switch is logged with one of these codes. */
export const SWITCH_REASONS = [
  /** A block had fewer than the quorum of valid consenter signatures. */
  'BLOCK_REFUSED_SIGNATURES',
  /** A block's data hash did not match its envelopes. */
  'BLOCK_REFUSED_DATA_HASH',
  /** A block's previous hash did not chain to the last accepted block. */
  'BLOCK_REFUSED_CHAIN',
  /** A block was malformed (no header, bad metadata, a non-envelope data entry). */
  'BLOCK_REFUSED_MALFORMED',
  /** A block's number was not the one asked for next. */
  'BLOCK_REFUSED_NUMBER',
  /** The replica could not be reached. */
  'CONNECTION_FAILED',
  /** The Deliver stream broke, ended, or the replica answered with a non-success status. */
  'STREAM_FAILED',
  /** The replica went silent while another one has blocks we lack. */
  'STALLED',
  /** The block handler (validate + commit) failed; the block is asked for again. */
  'HANDLER_FAILED',
] as const;

/** One of {@link SWITCH_REASONS}. */
export type SwitchReason = (typeof SWITCH_REASONS)[number];
