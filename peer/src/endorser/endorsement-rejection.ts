/**
 * Stable codes a proposal response message starts with (`[CODE] …`) when the peer refuses to
 * endorse before or around the chaincode. A chaincode's own error keeps the chaincode's message.
 */
export const ENDORSEMENT_REJECTION_CODES = [
  'MALFORMED_PROPOSAL',
  'UNSUPPORTED_HEADER_TYPE',
  'CHANNEL_MISMATCH',
  'CREATOR_UNTRUSTED',
  'BAD_SIGNATURE',
  'TXID_MISMATCH',
  'DUPLICATE_TXID',
  'CHAINCODE_NOT_DEFINED',
  'CHAINCODE_FINGERPRINT_MISMATCH',
  /** A definition was committed while the proposal ran (transient: resubmit). */
  'CHAINCODE_DEFINITION_CHANGED',
  'CHAINCODE_EXECUTION_FAILED',
  'SIMULATION_FAILED',
] as const;

/** One of {@link ENDORSEMENT_REJECTION_CODES}; resolvers may add their own codes. */
export type EndorsementRejectionCode = (typeof ENDORSEMENT_REJECTION_CODES)[number];

/** A refusal: the status and message of the `peer.ProposalResponse` that carries it. */
export interface EndorsementRejection {
  readonly code: string;
  readonly status: number;
  readonly message: string;
}

/**
 * A refusal with Fabric's status for endorser-side failures (500) and `[CODE]` prefixed once: a
 * resolver's refusal message may already carry its code.
 */
export function rejection(code: EndorsementRejectionCode | string, detail: string): EndorsementRejection {
  return { code, status: 500, message: detail.startsWith(`[${code}] `) ? detail : `[${code}] ${detail}` };
}

/** The code of a `[CODE] …` message, if it has one. */
export function rejectionCodeOf(message: string): string | undefined {
  return /^\[([A-Z0-9_]+)\]/.exec(message)?.[1];
}
