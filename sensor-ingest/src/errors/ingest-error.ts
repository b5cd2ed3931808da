import { StagedError } from '@speedledger/orderer-bft';

/** Stable codes of {@link IngestError}. */
export const INGEST_ERROR_CODES = [
  /** Configuration unusable (bad URL, missing key file, bad numbers). */
  'INVALID_CONFIG',
  /** Redis refused or lost a command; nothing the caller sent is assumed stored. */
  'REDIS_FAILED',
  /** The ledger could not be reached or answered something unexpected. */
  'LEDGER_FAILED',
  /** A reading the ledger holds under the same (meterId, seq) has other bytes. */
  'LEDGER_CONFLICT',
  /** A redis-server process could not be started or did not answer. */
  'REDIS_START_FAILED',
  /** An HTTP call of the feeder or CLI failed. */
  'HTTP_FAILED',
] as const;

/** One of {@link INGEST_ERROR_CODES}. */
export type IngestErrorCode = (typeof INGEST_ERROR_CODES)[number];

/** A failure of the ingest tier, with the reading's ids (`meterId`, `seq`, `transactionId`) when known. */
export class IngestError extends StagedError<IngestErrorCode> {
  constructor(code: IngestErrorCode, message: string, ids: Record<string, number | string> = {}, cause?: unknown) {
    super('IngestError', code, message, ids, cause);
  }
}
