import { createHash } from 'node:crypto';

/**
 * Fabric's proposal hash binding a proposal response to its proposal (`GetProposalHash2`):
 * SHA-256(channel header bytes ‖ signature header bytes ‖ chaincode proposal payload bytes), the
 * payload being the one the transaction carries (transient map already removed). The endorser
 * must put exactly this in `ProposalResponsePayload.proposal_hash`; the validator recomputes it.
 */
export function proposalHash(channelHeader: Uint8Array, signatureHeader: Uint8Array, chaincodeProposalPayload: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(channelHeader).update(signatureHeader).update(chaincodeProposalPayload).digest());
}
