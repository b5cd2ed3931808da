import { StagedError } from '@speedledger/orderer-bft';

/** Stable codes of the channel-config layer. */
export const CHANNEL_ERROR_CODES = [
  /** The block is not a usable config block (structure, MSPs, consenters or policies). */
  'INVALID_CONFIG_BLOCK',
] as const;

/** One of {@link CHANNEL_ERROR_CODES}. */
export type ChannelErrorCode = (typeof CHANNEL_ERROR_CODES)[number];

/** A typed error reading a channel's configuration. */
export class ChannelError extends StagedError<ChannelErrorCode> {
  constructor(code: ChannelErrorCode, message: string, ids: Record<string, number | string> = {}, cause?: unknown) {
    super('ChannelError', code, message, ids, cause);
  }
}
