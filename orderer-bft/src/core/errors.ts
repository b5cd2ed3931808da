/** Stable codes for every error the orderer core raises. */
export const ORDERER_ERROR_CODES = ['INVALID_CONFIG', 'INVALID_WAL', 'INVALID_REQUEST'] as const;

/** One of {@link ORDERER_ERROR_CODES}. */
export type OrdererErrorCode = (typeof ORDERER_ERROR_CODES)[number];

/**
 * A typed error raised at the core's boundary (configuration, WAL restore). Messages from the
 * network never throw: they are dropped and counted, because a peer must not crash us.
 */
export class OrdererError extends Error {
  readonly code: OrdererErrorCode;
  /** Replica, sequence or view ids relevant to the failure. */
  readonly ids: Readonly<Record<string, number | string>>;

  constructor(code: OrdererErrorCode, message: string, ids: Record<string, number | string> = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'OrdererError';
    this.code = code;
    this.ids = ids;
  }
}
