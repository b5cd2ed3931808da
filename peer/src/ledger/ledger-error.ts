import { StagedError } from '@speedledger/orderer-bft';

/** Stable codes of the peer ledger. */
export const LEDGER_ERROR_CODES = [
  /** The block's number is not the ledger height (a gap, or a block already stored). */
  'LEDGER_BLOCK_OUT_OF_ORDER',
  /** The block's previous_hash is not the header hash of the last stored block. */
  'LEDGER_BAD_PREVIOUS_HASH',
  /** The block has no header or data, or its bytes do not parse. */
  'LEDGER_MALFORMED_BLOCK',
  /** The validation does not describe this block (number, transaction count or filter length differ). */
  'LEDGER_VALIDATION_MISMATCH',
  /** A stored record is unreadable: the database was altered or written by something else. */
  'LEDGER_CORRUPT',
  /** The database could not be opened (missing directory permissions, held by another process...). */
  'LEDGER_OPEN_FAILED',
  /** The ledger was opened for a different channel. */
  'LEDGER_WRONG_CHANNEL',
  /** The ledger is closed. */
  'LEDGER_CLOSED',
] as const;

/** One of {@link LEDGER_ERROR_CODES}. */
export type LedgerErrorCode = (typeof LEDGER_ERROR_CODES)[number];

/** A typed error of the peer ledger; `ids` carry the channel and block numbers involved. */
export class LedgerError extends StagedError<LedgerErrorCode> {
  constructor(code: LedgerErrorCode, message: string, ids: Record<string, number | string> = {}, cause?: unknown) {
    super('LedgerError', code, message, ids, cause);
  }
}
