import type { common, peer } from '@hyperledger/fabric-protos';
import { buildSignedProposal } from '../endorser/index.js';
import type { SigningIdentity } from '../msp/index.js';
import type { ProposalProcessor } from '../services/index.js';
import { prepareTransaction } from '../services/index.js';

/** A proposal the peer makes in its own name (e.g. recording a package refusal). */
export interface OwnProposal {
  readonly txId: string;
  readonly proposal: peer.Proposal;
  readonly signed: peer.SignedProposal;
}

/** A signed chaincode invocation proposal by `identity`, with Fabric's tx id = SHA-256(nonce ‖ creator). */
export function buildOwnProposal(channelId: string, chaincode: string, args: readonly Uint8Array[], identity: SigningIdentity, now: Date): OwnProposal {
  return buildSignedProposal({ signer: identity, channelId, chaincode, args, timestamp: now });
}

/**
 * Endorses `own` with `endorser` alone and returns the transaction envelope signed by
 * `identity`, ready to broadcast; throws with the endorser's message when it refuses.
 */
export async function endorseOwnTransaction(own: OwnProposal, endorser: ProposalProcessor, identity: SigningIdentity): Promise<common.Envelope> {
  const response = await endorser.processProposal(own.signed);
  const status = response.getResponse()?.getStatus() ?? 0;
  const endorsement = response.getEndorsement();
  if (status < 200 || status >= 400 || endorsement === undefined) {
    throw new Error(`endorsement refused: ${status} ${response.getResponse()?.getMessage() ?? ''}`);
  }
  const envelope = prepareTransaction(own.proposal, response.getPayload_asU8(), [endorsement]);
  envelope.setSignature(identity.sign(envelope.getPayload_asU8()));
  return envelope;
}
