/** Stable codes for every error the orderer core raises. */
export const ORDERER_ERROR_CODES = ['INVALID_CONFIG', 'INVALID_WAL', 'INVALID_REQUEST', 'DECISION_NOT_CHAINED'] as const;

/** One of {@link ORDERER_ERROR_CODES}. */
export type OrdererErrorCode = (typeof ORDERER_ERROR_CODES)[number];

/**
 * Base of the package's typed errors, one subclass per stage (core, Fabric layer, runtime), each
 * with its own stable `code` list, the ids that locate the failure, and the `cause` it wraps.
 */
export class StagedError<Code extends string> extends Error {
  readonly code: Code;
  /** Replica, sequence, view, MSP or file ids relevant to the failure. */
  readonly ids: Readonly<Record<string, number | string>>;

  constructor(name: string, code: Code, message: string, ids: Record<string, number | string> = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = name;
    this.code = code;
    this.ids = ids;
  }
}

/**
 * A typed error raised at the core's boundary (configuration, WAL restore). Messages from the
 * network never throw: they are dropped and counted, because a peer must not crash us.
 */
export class OrdererError extends StagedError<OrdererErrorCode> {
  constructor(code: OrdererErrorCode, message: string, ids: Record<string, number | string> = {}, cause?: unknown) {
    super('OrdererError', code, message, ids, cause);
  }
}
