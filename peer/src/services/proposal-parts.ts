import { common, peer } from '@hyperledger/fabric-protos';
import { decodeBounded } from '@speedledger/orderer-bft';

/** The parts of a signed proposal the Gateway routes by. */
export interface ProposalParts {
  readonly proposal: peer.Proposal;
  readonly channelId: string;
  readonly txId: string;
  readonly chaincodeName: string;
  readonly hasTransientData: boolean;
  /** The proposal's creator (serialised identity), the signed bytes and the signature over them. */
  readonly creator: Uint8Array;
  readonly proposalBytes: Uint8Array;
  readonly signature: Uint8Array;
}

/** Unpacks a SignedProposal as Fabric's Gateway does, or says what is missing. */
export function proposalParts(signed: peer.SignedProposal | undefined): ProposalParts | { readonly error: string } {
  const bytes = signed?.getProposalBytes_asU8() ?? new Uint8Array();
  if (bytes.byteLength === 0) return { error: 'a signed proposal is required' };
  try {
    const proposal = decodeBounded(peer.Proposal, bytes);
    const header = decodeBounded(common.Header, proposal.getHeader_asU8());
    const channelHeader = decodeBounded(common.ChannelHeader, header.getChannelHeader_asU8());
    const payload = decodeBounded(peer.ChaincodeProposalPayload, proposal.getPayload_asU8());
    const spec = decodeBounded(peer.ChaincodeInvocationSpec, payload.getInput_asU8()).getChaincodeSpec();
    const channelId = channelHeader.getChannelId();
    if (channelId === '') return { error: 'no channel id provided' };
    if (spec === undefined) return { error: `no chaincode spec is provided, channel id [${channelId}]` };
    const chaincodeName = spec.getChaincodeId()?.getName() ?? '';
    if (chaincodeName === '') return { error: `no chaincode name is provided, channel id [${channelId}]` };
    const creator = decodeBounded(common.SignatureHeader, header.getSignatureHeader_asU8()).getCreator_asU8();
    return {
      proposal, channelId, txId: channelHeader.getTxId(), chaincodeName, hasTransientData: payload.getTransientmapMap().getLength() > 0,
      creator, proposalBytes: bytes, signature: signed!.getSignature_asU8(),
    };
  } catch (cause) {
    return { error: (cause as Error).message };
  }
}

/** A proposal response's outcome as Fabric's Gateway classifies it (apiutils responseStatus). */
export function responseOutcome(response: peer.ProposalResponse): { readonly ok: true } | { readonly ok: false; readonly aborted: boolean; readonly message: string } {
  const status = response.getResponse()?.getStatus() ?? 0;
  const message = response.getResponse()?.getMessage() ?? '';
  if (status >= 200 && status < 400) return { ok: true };
  if (response.getPayload_asU8().byteLength === 0 && status === 500) return { ok: false, aborted: true, message };
  return { ok: false, aborted: false, message: `chaincode response ${status}, ${message}` };
}

/** The chaincode's result bytes inside a proposal response payload. */
export function chaincodeResult(response: peer.ProposalResponse): Uint8Array {
  const payload = decodeBounded(peer.ProposalResponsePayload, response.getPayload_asU8());
  return decodeBounded(peer.ChaincodeAction, payload.getExtension_asU8()).getResponse()?.getPayload_asU8() ?? new Uint8Array();
}
