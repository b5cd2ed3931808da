import { StagedError } from '@speedledger/orderer-bft';

/** Stable codes of the peer process runtime, by stage. */
export const PEER_NODE_ERROR_CODES = [
  /** The config file is unreadable, not JSON, or a field is missing or malformed. */
  'INVALID_PEER_CONFIG',
  /** The genesis block, MSP directory or chaincode packages cannot be read or used. */
  'INVALID_MATERIAL',
  /** A listener could not be bound. */
  'LISTEN_FAILED',
  /** A part the runtime composes (ledger, committer, endorser) failed to start. */
  'START_FAILED',
] as const;

/** One of {@link PEER_NODE_ERROR_CODES}. */
export type PeerNodeErrorCode = (typeof PEER_NODE_ERROR_CODES)[number];

/** A typed failure of the peer runtime with the ids (field, file, address) that locate it. */
export class PeerNodeError extends StagedError<PeerNodeErrorCode> {
  constructor(code: PeerNodeErrorCode, message: string, ids: Record<string, number | string> = {}, cause?: unknown) {
    super('PeerNodeError', code, message, ids, cause);
  }
}
