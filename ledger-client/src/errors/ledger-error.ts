import { StagedError } from '@speedledger/orderer-bft';
import type { ContractErrorCode } from '@speedledger/lr-chaincode/contract';

/**
 * Stable codes of {@link LedgerError}. The first six are the outcomes a caller acts on (retry,
 * report, give up); the last three are caught before anything reaches the network.
 */
export const LEDGER_ERROR_CODES = [
  /** The chaincode ran and refused the call with its own code (see `contractCode`). */
  'CONTRACT_REJECTED',
  /** Endorsement failed for another reason (policy not satisfiable, endorsers disagree, peer error). */
  'ENDORSE_FAILED',
  /**
   * A peer refused the client identity itself (certificate expired, dated before its CA's start,
   * not issued by the channel's CA of its MSP): re-enrol it; retrying cannot help.
   */
  'IDENTITY_REJECTED',
  /** The endorsed transaction could not be handed to the ordering service. */
  'SUBMIT_FAILED',
  /** The transaction was ordered but committed invalid (see `validationCode`), or its status is unknown. */
  'COMMIT_FAILED',
  /** No connection to the peer or orderer. Nothing was ordered: safe to retry. */
  'UNAVAILABLE',
  /** A deadline passed. The transaction may or may not commit later. */
  'TIMEOUT',
  /** Connection profile or identity unusable. */
  'INVALID_CONFIG',
  /** A client-side argument check failed (e.g. batch size). */
  'INVALID_ARGUMENT',
  /** The chaincode answered with something that is not the documented JSON. */
  'BAD_RESPONSE',
] as const;

/** One of {@link LEDGER_ERROR_CODES}. */
export type LedgerErrorCode = (typeof LEDGER_ERROR_CODES)[number];

/** Where in a transaction's life the failure happened. */
export type LedgerStage = 'connect' | 'evaluate' | 'endorse' | 'submit' | 'commit' | 'decode' | 'events';

/** Optional facts attached to a {@link LedgerError}. */
export interface LedgerErrorDetails {
  readonly stage: LedgerStage;
  readonly transactionId?: string;
  /** The chaincode's own code, for CONTRACT_REJECTED. */
  readonly contractCode?: ContractErrorCode;
  /** Fabric TxValidationCode name (e.g. `MVCC_READ_CONFLICT`), for COMMIT_FAILED after commit. */
  readonly validationCode?: string;
  readonly meterId?: string;
  readonly seq?: string;
  /** Other ids: peer address, MSP id, chaincode, function. */
  readonly ids?: Readonly<Record<string, string | number>>;
}

/**
 * A ledger call that failed, with the same code whichever client library carried it. `ids`
 * holds every known id (transactionId, meterId, seq, chaincode, fn, …) so logs need no parsing.
 */
export class LedgerError extends StagedError<LedgerErrorCode> {
  readonly stage: LedgerStage;
  readonly transactionId: string | undefined;
  readonly contractCode: ContractErrorCode | undefined;
  readonly validationCode: string | undefined;
  readonly meterId: string | undefined;
  readonly seq: string | undefined;

  constructor(code: LedgerErrorCode, message: string, details: LedgerErrorDetails, cause?: unknown) {
    const ids: Record<string, string | number> = { ...details.ids };
    for (const key of ['transactionId', 'contractCode', 'validationCode', 'meterId', 'seq'] as const) {
      const value = details[key];
      if (value !== undefined) ids[key] = value;
    }
    super('LedgerError', code, message, ids, cause);
    this.stage = details.stage;
    this.transactionId = details.transactionId;
    this.contractCode = details.contractCode;
    this.validationCode = details.validationCode;
    this.meterId = details.meterId;
    this.seq = details.seq;
  }

  /** A copy with more facts (e.g. the meter and seq the client knows but the peer did not say). */
  withDetails(extra: Partial<LedgerErrorDetails>): LedgerError {
    return new LedgerError(
      this.code,
      this.message,
      {
        stage: extra.stage ?? this.stage,
        transactionId: extra.transactionId ?? this.transactionId,
        contractCode: extra.contractCode ?? this.contractCode,
        validationCode: extra.validationCode ?? this.validationCode,
        meterId: this.meterId ?? extra.meterId,
        seq: this.seq ?? extra.seq,
        ids: { ...extra.ids, ...this.ids },
      },
      this.cause,
    );
  }
}
