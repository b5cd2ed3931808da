import { committedInvalidError, contractRejectionError } from './contract-rejection.js';
import { identityRejectionError } from './identity-rejection.js';
import { messagesOf } from './messages-of.js';
import type { FailureContext } from './gateway-error-mapping.js';
import { LedgerError, type LedgerErrorCode } from './ledger-error.js';

// fabric-network 2.2 / fabric-common report most failures only as text; these are its phrasings.
const CONNECTION_FAILURE = /UNAVAILABLE|ECONNREFUSED|not connected|Failed to connect|No connection established|Unable to find any target|ENOTFOUND|EHOSTUNREACH/i;
const DEADLINE = /DEADLINE_EXCEEDED|REQUEST[ _]TIMEOUT|timed out|timeout period/i;

interface FabricNetworkErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly transactionId?: unknown;
  readonly transactionCode?: unknown;
  readonly responses?: unknown;
  readonly errors?: unknown;
}

function responseMessages(responses: unknown): string[] {
  return messagesOf(responses, (entry) => (entry as { response?: { message?: unknown } }).response?.message);
}

function errorMessages(errors: unknown): string[] {
  return messagesOf(errors, (entry) => (entry as { message?: unknown }).message);
}

/**
 * Whether every per-peer failure is a connection failure: from the `errors` list when the
 * library attached one, else from the "peer=…, status=…, message=…" lines of its message.
 */
function onlyConnectionFailures(message: string, responses: string[], errors: string[]): boolean {
  if (responses.length > 0) return false;
  if (errors.length > 0) return errors.every((line) => CONNECTION_FAILURE.test(line));
  const perPeer = message.split('\n').filter((line) => line.includes('peer=') || line.includes('Error'));
  if (perPeer.length === 0) return CONNECTION_FAILURE.test(message);
  return perPeer.every((line) => CONNECTION_FAILURE.test(line));
}

/**
 * Maps an error thrown by `fabric-network` 2.2 (plain Errors with text and `responses`/`errors`
 * fields, FabricError, TimeoutError, TransactionError) to a {@link LedgerError} with the same
 * code `@hyperledger/fabric-gateway` gets for the same situation.
 */
export function fromFabricNetworkError(error: unknown, context: FailureContext): LedgerError {
  if (error instanceof LedgerError) return error;
  const shape = (typeof error === 'object' && error !== null ? error : {}) as FabricNetworkErrorShape;
  const name = typeof shape.name === 'string' ? shape.name : '';
  const message = typeof shape.message === 'string' ? shape.message : String(error);
  const transactionId = typeof shape.transactionId === 'string' && shape.transactionId ? shape.transactionId : context.transactionId;
  const base = { stage: context.stage, transactionId, ids: { chaincode: context.chaincode, fn: context.fn } };
  const responses = responseMessages(shape.responses);
  const errors = errorMessages(shape.errors);

  const rejected = contractRejectionError([message, ...responses, ...errors], context.fn, base, error);
  if (rejected) return rejected;
  const refusedIdentity = identityRejectionError([message, ...responses, ...errors], context.fn, base, error);
  if (refusedIdentity) return refusedIdentity;
  if (name === 'TransactionError' && typeof shape.transactionCode === 'string') return committedInvalidError(shape.transactionCode, base, error);
  if (name === 'TimeoutError' || DEADLINE.test(message)) return new LedgerError('TIMEOUT', `${context.fn}: ${message}`, base, error);
  let code: LedgerErrorCode;
  if (context.stage === 'commit') code = 'COMMIT_FAILED';
  else if (onlyConnectionFailures(message, responses, errors)) code = 'UNAVAILABLE';
  else if (context.stage === 'submit') code = 'SUBMIT_FAILED';
  else code = 'ENDORSE_FAILED';
  return new LedgerError(code, `${context.fn}: ${message}`, base, error);
}
