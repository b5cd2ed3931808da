import { StagedError } from '@speedledger/orderer-bft';

/** Stable codes of block delivery configuration and commit pipeline errors. */
export const DELIVERY_ERROR_CODES = [
  /** Neither the channel config nor an override names an orderer endpoint. */
  'NO_ORDERER_ENDPOINTS',
  /** Quorum, consenters or start position are unusable. */
  'INVALID_DELIVERY_CONFIG',
  /** The committer is stopped. */
  'COMMITTER_STOPPED',
] as const;

/** One of {@link DELIVERY_ERROR_CODES}. */
export type DeliveryErrorCode = (typeof DELIVERY_ERROR_CODES)[number];

/** A typed error of block delivery, with the channel and block ids involved. */
export class DeliveryError extends StagedError<DeliveryErrorCode> {
  constructor(code: DeliveryErrorCode, message: string, ids: Record<string, number | string> = {}, cause?: unknown) {
    super('DeliveryError', code, message, ids, cause);
  }
}
