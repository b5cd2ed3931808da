import { common, peer } from '@hyperledger/fabric-protos';

/** A SignedProposal for `chaincode` on `channel` (signature opaque: the services under test do not verify it). */
export function signedProposal(channel: string, chaincode: string, args: string[] = ['fn'], txId = 'tx1'): peer.SignedProposal {
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(channel);
  channelHeader.setTxId(txId);
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(new TextEncoder().encode('creator'));
  signatureHeader.setNonce(new Uint8Array([1, 2, 3]));
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const id = new peer.ChaincodeID();
  id.setName(chaincode);
  const input = new peer.ChaincodeInput();
  input.setArgsList(args.map((a) => new TextEncoder().encode(a)));
  const spec = new peer.ChaincodeSpec();
  spec.setChaincodeId(id);
  spec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);
  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocation.serializeBinary());
  payload.getTransientmapMap().set('secret', new Uint8Array([9]));
  const proposal = new peer.Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload.serializeBinary());
  const signed = new peer.SignedProposal();
  signed.setProposalBytes(proposal.serializeBinary());
  signed.setSignature(new Uint8Array([7]));
  return signed;
}

/** A ProposalResponse with `status`, a payload carrying `result` and an event, endorsed by `endorser`. */
export function proposalResponse(status: number, message: string, result: string, endorser: string, event?: { name: string; chaincodeId: string; txId: string }): peer.ProposalResponse {
  const response = new peer.Response();
  response.setStatus(status);
  response.setMessage(message);
  const action = new peer.ChaincodeAction();
  const inner = new peer.Response();
  inner.setStatus(status);
  inner.setPayload(new TextEncoder().encode(result));
  action.setResponse(inner);
  if (event !== undefined) {
    const e = new peer.ChaincodeEvent();
    e.setEventName(event.name);
    e.setChaincodeId(event.chaincodeId);
    e.setTxId(event.txId);
    e.setPayload(new TextEncoder().encode('event-payload'));
    action.setEvents(e.serializeBinary());
  }
  const payload = new peer.ProposalResponsePayload();
  payload.setProposalHash(new Uint8Array(32));
  payload.setExtension$(action.serializeBinary());
  const proposal = new peer.ProposalResponse();
  proposal.setResponse(response);
  if (status < 400) proposal.setPayload(payload.serializeBinary());
  const endorsement = new peer.Endorsement();
  endorsement.setEndorser(new TextEncoder().encode(endorser));
  endorsement.setSignature(new Uint8Array([1]));
  proposal.setEndorsement(endorsement);
  return proposal;
}
