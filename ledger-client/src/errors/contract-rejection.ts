import type { ParsedContractError } from '@speedledger/lr-chaincode/contract';
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
