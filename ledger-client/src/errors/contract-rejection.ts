import type { ParsedContractError } from '@speedledger/lr-chaincode/contract';
import { LedgerError, type LedgerErrorDetails } from './ledger-error.js';
import { parseContractError } from './lr-contract-errors.js';

/**
 * The chaincode's own error, wherever a client library put it: the top-level message, a
 * gateway error detail per endorser, or a proposal response per peer. The first parsable one
 * wins; they agree when the chaincode is deterministic.
 */
export function findContractRejection(messages: readonly (string | undefined)[]): ParsedContractError | null {
  for (const message of messages) {
    if (typeof message !== 'string') continue;
    const parsed = parseContractError(message);
    if (parsed) return parsed;
  }
  return null;
}

const METER_SEQ = /\b([A-Za-z0-9][A-Za-z0-9._-]*) seq ([0-9]{1,20})\b/;

/**
 * Meter id and seq named in a rejection detail (the chaincode writes "<meterId> seq <n>" in
 * BAD_SIGNATURE and REPLAYED_SEQ details); the client also knows them from the DLR1 it sent.
 */
export function meterAndSeqOf(detail: string): { meterId?: string; seq?: string } {
  const match = METER_SEQ.exec(detail);
  if (!match) return {};
  return { meterId: match[1]!, seq: match[2]! };
}

/**
 * CONTRACT_REJECTED for the chaincode's own error found in `messages`, or null when none
 * carries one. Both libraries' mappings use it, so the message and ids are the same.
 */
export function contractRejectionError(messages: readonly (string | undefined)[], fn: string, base: LedgerErrorDetails, cause: unknown): LedgerError | null {
  const rejection = findContractRejection(messages);
  if (!rejection) return null;
  return new LedgerError('CONTRACT_REJECTED', `${fn} rejected: [${rejection.code}] ${rejection.detail}`, {
    ...base,
    contractCode: rejection.code,
    ...meterAndSeqOf(rejection.detail),
  }, cause);
}

/** COMMIT_FAILED for a transaction the peers committed with a non-VALID validation code. */
export function committedInvalidError(validationCode: string, base: LedgerErrorDetails, cause: unknown): LedgerError {
  return new LedgerError('COMMIT_FAILED', `transaction ${base.transactionId ?? '?'} committed invalid: ${validationCode}`, {
    ...base,
    stage: 'commit',
    validationCode,
  }, cause);
}
