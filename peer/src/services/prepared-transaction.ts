import { common, peer } from '@hyperledger/fabric-protos';
import { decodeBounded } from '@speedledger/orderer-bft';

/** Endorsements with the same endorser identity count once (Fabric's uniqueEndorsements). */
export function uniqueEndorsements(endorsements: readonly peer.Endorsement[]): peer.Endorsement[] {
  const seen = new Set<string>();
  return endorsements.filter((e) => {
    const key = Buffer.from(e.getEndorser_asU8()).toString('base64');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The unsigned transaction envelope Fabric's Gateway prepares from a proposal and its
 * endorsements: the proposal's header, the chaincode proposal payload without its transient map,
 * one action carrying the common response payload and the endorsements. The client signs the
 * payload and submits it.
 */
export function prepareTransaction(proposal: peer.Proposal, responsePayload: Uint8Array, endorsements: readonly peer.Endorsement[]): common.Envelope {
  const header = decodeBounded(common.Header, proposal.getHeader_asU8());
  const proposalPayload = decodeBounded(peer.ChaincodeProposalPayload, proposal.getPayload_asU8());
  const withoutTransient = new peer.ChaincodeProposalPayload();
  withoutTransient.setInput(proposalPayload.getInput_asU8());

  const action = new peer.ChaincodeEndorsedAction();
  action.setProposalResponsePayload(responsePayload);
  action.setEndorsementsList(uniqueEndorsements(endorsements));
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(withoutTransient.serializeBinary());
  actionPayload.setAction(action);

  const transactionAction = new peer.TransactionAction();
  transactionAction.setHeader(header.getSignatureHeader_asU8());
  transactionAction.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([transactionAction]);

  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(transaction.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope;
}
