import { StagedError } from '@speedledger/orderer-bft';

/** Stable codes of the block validator (block-level problems; transactions get TxValidationCodes). */
export const VALIDATION_ERROR_CODES = [
  /** The block has no header: it cannot have passed the orderer's block verification. */
  'MALFORMED_BLOCK',
] as const;

/** One of {@link VALIDATION_ERROR_CODES}. */
export type ValidationErrorCode = (typeof VALIDATION_ERROR_CODES)[number];

/** A block the validator cannot judge at all. */
export class ValidationError extends StagedError<ValidationErrorCode> {
  constructor(code: ValidationErrorCode, message: string, ids: Record<string, number | string> = {}, cause?: unknown) {
    super('ValidationError', code, message, ids, cause);
  }
}
