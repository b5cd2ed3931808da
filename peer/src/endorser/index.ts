/** The endorser: proposal checks, chaincode simulation and signed proposal responses, as a Fabric peer. */
export { createEndorser, type ChaincodeResolution, type Endorser, type EndorserOptions } from './create-endorser.js';
export {
  ENDORSEMENT_REJECTION_CODES, rejection, rejectionCodeOf, type EndorsementRejection, type EndorsementRejectionCode,
} from './endorsement-rejection.js';
export { decodeProposal, expectedTxId, proposalHash, type ProposalParts } from './proposal-parts.js';
export { buildSignedProposal, type BuiltProposal, type SignedProposalSpec } from './signed-proposal.js';
export { alterRecordedSpeeds, BYZANTINE_PEER_DELTA_ENV, BYZANTINE_PEER_ENV } from './byzantine-speeds.js';
