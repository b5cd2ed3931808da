import { peer } from '@hyperledger/fabric-protos';
import { committedInvalidError, contractRejectionError } from './contract-rejection.js';
import { identityRejectionError } from './identity-rejection.js';
import { LedgerError, type LedgerErrorCode, type LedgerStage } from './ledger-error.js';
import { messagesOf } from './messages-of.js';

/** What the caller knew when the call failed. */
export interface FailureContext {
  readonly stage: LedgerStage;
  readonly transactionId?: string;
  readonly chaincode: string;
  readonly fn: string;
}

/** gRPC status codes we act on (grpc-js `status` enum values, stable across versions). */
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

const VALIDATION_NAMES = new Map<number, string>(Object.entries(peer.TxValidationCode).map(([name, value]) => [value as number, name]));

/** Fabric's TxValidationCode name for a numeric code (`UNKNOWN_<n>` when not in the enum). */
export function validationCodeName(code: number): string {
  return VALIDATION_NAMES.get(code) ?? `UNKNOWN_${code}`;
}

interface GatewayErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly transactionId?: unknown;
  readonly details?: unknown;
}

function detailMessages(details: unknown): string[] {
  return messagesOf(details, (detail) => (detail as { message?: unknown }).message);
}

function detailIds(details: unknown): Record<string, string> {
  if (!Array.isArray(details) || details.length === 0) return {};
  const first = details[0] as { address?: unknown; mspId?: unknown };
  const ids: Record<string, string> = {};
  if (typeof first.address === 'string' && first.address) ids.peer = first.address;
  if (typeof first.mspId === 'string' && first.mspId) ids.mspId = first.mspId;
  return ids;
}

function defaultCode(name: string, stage: LedgerStage): LedgerErrorCode {
  if (name === 'SubmitError') return 'SUBMIT_FAILED';
  if (name === 'CommitStatusError' || name === 'CommitError') return 'COMMIT_FAILED';
  if (name === 'EndorseError') return 'ENDORSE_FAILED';
  if (stage === 'submit') return 'SUBMIT_FAILED';
  if (stage === 'commit') return 'COMMIT_FAILED';
  return 'ENDORSE_FAILED';
}

/**
 * Maps an error thrown by `@hyperledger/fabric-gateway` (GatewayError, EndorseError,
 * SubmitError, CommitStatusError, CommitError, or anything else) to a {@link LedgerError}.
 * Classes are recognised by `name` because fabric-gateway exports SubmitError only as a type.
 */
export function fromGatewayError(error: unknown, context: FailureContext): LedgerError {
  if (error instanceof LedgerError) return error;
  const shape = (typeof error === 'object' && error !== null ? error : {}) as GatewayErrorShape;
  const name = typeof shape.name === 'string' ? shape.name : '';
  const message = typeof shape.message === 'string' ? shape.message : String(error);
  const transactionId = typeof shape.transactionId === 'string' && shape.transactionId ? shape.transactionId : context.transactionId;
  const ids = { chaincode: context.chaincode, fn: context.fn, ...detailIds(shape.details) };
  const base = { stage: context.stage, transactionId, ids };
  const details = detailMessages(shape.details);

  const rejected = contractRejectionError([message, ...details], context.fn, base, error);
  if (rejected) return rejected;
  const refusedIdentity = identityRejectionError([message, ...details], context.fn, base, error);
  if (refusedIdentity) return refusedIdentity;
  if (name === 'CommitError' && typeof shape.code === 'number') return committedInvalidError(validationCodeName(shape.code), base, error);
  const suffix = details.length > 0 ? ` (${details.join('; ')})` : '';
  const afterSubmit = name === 'CommitStatusError' || context.stage === 'commit';
  // Once submitted, a lost connection does not mean "not ordered": only TIMEOUT or COMMIT_FAILED.
  if (shape.code === GRPC_UNAVAILABLE && !afterSubmit) return new LedgerError('UNAVAILABLE', `${context.fn}: ${message}${suffix}`, base, error);
  if (shape.code === GRPC_DEADLINE_EXCEEDED) return new LedgerError('TIMEOUT', `${context.fn}: ${message}${suffix}`, base, error);
  return new LedgerError(defaultCode(name, context.stage), `${context.fn}: ${message}${suffix}`, base, error);
}
