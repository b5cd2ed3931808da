import { StagedError } from '../core/errors.js';

/** Stable codes for errors the Fabric layer throws (bad configuration or programming errors). */
export const FABRIC_ERROR_CODES = [
  'INVALID_IDENTITY',
  'INVALID_CONSENTERS',
  'BAD_PROPOSAL',
  'INVALID_DECISION',
  'INVALID_CHANNEL_SPEC',
  'INVALID_CONFIG_BLOCK',
  'INVALID_CRYPTO_REQUEST',
] as const;

/** One of {@link FABRIC_ERROR_CODES}. */
export type FabricErrorCode = (typeof FABRIC_ERROR_CODES)[number];

/**
 * A typed error of the Fabric layer. Inputs from the network (envelopes, blocks, signatures)
 * never throw: they produce typed results; only local configuration and misuse do.
 */
export class FabricError extends StagedError<FabricErrorCode> {
  constructor(code: FabricErrorCode, message: string, ids: Record<string, number | string> = {}, cause?: unknown) {
    super('FabricError', code, message, ids, cause);
  }
}
