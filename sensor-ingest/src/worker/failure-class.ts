import { LedgerError } from '@speedledger/ledger-client';

/**
 * What a failed `SubmitReadings` means for its readings:
 * - `transient`: nothing was ordered (or it committed invalid): retry with backoff;
 * - `unknown`: the transaction may have committed (a timeout or lost connection after it was
 *   sent): look every reading up before anything is sent again;
 * - `rejected`: the chaincode refused the whole call (a malformed batch argument): split the
 *   batch, and refuse a lone reading with the chaincode's code;
 * - `too-large`: a peer or the orderer refused the request for its size (gRPC RESOURCE_EXHAUSTED)
 *   before anything was ordered: split the batch; a lone reading that is still too large is parked;
 * - `park`: retrying cannot help without an operator (bad configuration, bad argument).
 */
export type FailureClass =
  | { readonly kind: 'transient'; readonly cause: string }
  | { readonly kind: 'unknown'; readonly cause: string }
  | { readonly kind: 'rejected'; readonly cause: string; readonly code: string; readonly detail: string }
  | { readonly kind: 'too-large'; readonly cause: 'TOO_LARGE' }
  | { readonly kind: 'park'; readonly cause: string };

/** gRPC's answer to a message above the receiver's limit, as the ledger-client message carries it. */
const TOO_LARGE = /RESOURCE_EXHAUSTED|larger than max/;

/** Classifies a submit failure. Pure. */
export function classifyFailure(error: unknown): FailureClass {
  if (!(error instanceof LedgerError)) return { kind: 'unknown', cause: `UNEXPECTED: ${(error as Error)?.message ?? String(error)}` };
  // Refused for its size on the way in (endorsement or broadcast): nothing was ordered.
  if ((error.code === 'SUBMIT_FAILED' || error.code === 'ENDORSE_FAILED') && TOO_LARGE.test(error.message)) return { kind: 'too-large', cause: 'TOO_LARGE' };
  switch (error.code) {
    case 'UNAVAILABLE':
      return { kind: 'transient', cause: 'UNAVAILABLE' };
    case 'ENDORSE_FAILED':
      return { kind: 'transient', cause: 'ENDORSE_FAILED' };
    case 'SUBMIT_FAILED':
      // The orderer did not take the transaction (e.g. SERVICE_UNAVAILABLE when saturated or without quorum).
      return { kind: 'transient', cause: 'SUBMIT_FAILED' };
    case 'TIMEOUT':
      return error.stage === 'endorse' || error.stage === 'evaluate' || error.stage === 'connect'
        ? { kind: 'transient', cause: `TIMEOUT_${error.stage.toUpperCase()}` }
        : { kind: 'unknown', cause: `TIMEOUT_${error.stage.toUpperCase()}` };
    case 'COMMIT_FAILED':
      // Committed INVALID (MVCC_READ_CONFLICT, …) wrote nothing; without a validation code the status is unknown.
      return error.validationCode ? { kind: 'transient', cause: error.validationCode } : { kind: 'unknown', cause: 'COMMIT_STATUS_UNKNOWN' };
    case 'CONTRACT_REJECTED':
      return { kind: 'rejected', cause: 'CONTRACT_REJECTED', code: error.contractCode ?? 'CONTRACT_REJECTED', detail: error.message };
    case 'BAD_RESPONSE':
      return { kind: 'unknown', cause: 'BAD_RESPONSE' };
    case 'INVALID_CONFIG':
    case 'INVALID_ARGUMENT':
    case 'IDENTITY_REJECTED': // the ingest identity must be re-enrolled: retrying cannot help
      return { kind: 'park', cause: error.code };
  }
}
