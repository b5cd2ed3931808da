import { createHash } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import { rejection, type EndorsementRejection } from './endorsement-rejection.js';
import { decodeBounded } from '@speedledger/orderer-bft';

/** A proposal's decoded parts, before any trust decision. */
export interface ProposalParts {
  readonly proposalBytes: Uint8Array;
  readonly signature: Uint8Array;
  readonly channelHeaderBytes: Uint8Array;
  readonly signatureHeaderBytes: Uint8Array;
  readonly headerType: number;
  readonly channelId: string;
  readonly txId: string;
  readonly timestamp: Date;
  readonly creator: Uint8Array;
  readonly nonce: Uint8Array;
  readonly chaincodeName: string;
  /** `ChaincodeInput.args`: function name, then arguments. */
  readonly args: readonly Uint8Array[];
  /** The ChaincodeProposalPayload bytes as sent (with the transient map). */
  readonly payloadBytes: Uint8Array;
  /** The ChaincodeProposalPayload re-encoded without its transient map (what the proposal hash covers). */
  readonly payloadWithoutTransient: Uint8Array;
}

/**
 * Decodes a SignedProposal into its parts; MALFORMED_PROPOSAL when a layer does not decode, the
 * chaincode is unnamed, or the header extension and invocation spec name different chaincodes.
 * No check of trust, channel or signature here.
 */
export function decodeProposal(signed: InstanceType<typeof peer.SignedProposal>): ProposalParts | EndorsementRejection {
  const bad = (why: string): EndorsementRejection => rejection('MALFORMED_PROPOSAL', why);
  const proposalBytes = signed.getProposalBytes_asU8();
  const signature = signed.getSignature_asU8();
  if (proposalBytes.length === 0) return bad('empty proposal bytes');
  try {
    const proposal = decodeBounded(peer.Proposal, proposalBytes);
    const header = decodeBounded(common.Header, proposal.getHeader_asU8());
    const channelHeaderBytes = header.getChannelHeader_asU8();
    const signatureHeaderBytes = header.getSignatureHeader_asU8();
    if (channelHeaderBytes.length === 0 || signatureHeaderBytes.length === 0) return bad('proposal header lacks a channel or signature header');
    const channelHeader = decodeBounded(common.ChannelHeader, channelHeaderBytes);
    const signatureHeader = decodeBounded(common.SignatureHeader, signatureHeaderBytes);
    const timestamp = channelHeader.getTimestamp();
    if (timestamp === undefined) return bad('channel header has no timestamp');
    const extension = decodeBounded(peer.ChaincodeHeaderExtension, channelHeader.getExtension_asU8());
    const payloadBytes = proposal.getPayload_asU8();
    const payload = decodeBounded(peer.ChaincodeProposalPayload, payloadBytes);
    const invocation = decodeBounded(peer.ChaincodeInvocationSpec, payload.getInput_asU8());
    const spec = invocation.getChaincodeSpec();
    const specName = spec?.getChaincodeId()?.getName() ?? '';
    const headerName = extension.getChaincodeId()?.getName() ?? '';
    if (headerName === '') return bad('chaincode header extension names no chaincode');
    if (specName !== '' && specName !== headerName) return bad(`header names chaincode ${headerName} but the invocation spec names ${specName}`);
    const withoutTransient = new peer.ChaincodeProposalPayload();
    withoutTransient.setInput(payload.getInput_asU8());
    return {
      proposalBytes,
      signature,
      channelHeaderBytes,
      signatureHeaderBytes,
      headerType: channelHeader.getType(),
      channelId: channelHeader.getChannelId(),
      txId: channelHeader.getTxId(),
      timestamp: new Date(timestamp.getSeconds() * 1000 + Math.floor(timestamp.getNanos() / 1e6)),
      creator: signatureHeader.getCreator_asU8(),
      nonce: signatureHeader.getNonce_asU8(),
      chaincodeName: headerName,
      args: spec?.getInput()?.getArgsList_asU8() ?? [],
      payloadBytes,
      payloadWithoutTransient: withoutTransient.serializeBinary(),
    };
  } catch (cause) {
    return bad(`proposal does not decode: ${(cause as Error).message}`);
  }
}

/** Fabric's transaction id: hex SHA-256 of nonce ‖ creator. */
export function expectedTxId(nonce: Uint8Array, creator: Uint8Array): string {
  return createHash('sha256').update(nonce).update(creator).digest('hex');
}

/**
 * Fabric's proposal hash (`GetProposalHash1`): SHA-256 over channel header ‖ signature header ‖
 * the ChaincodeProposalPayload without its transient map, so transient data never reaches the
 * ledger yet the response stays bound to the proposal.
 */
export function proposalHash(parts: Pick<ProposalParts, 'channelHeaderBytes' | 'signatureHeaderBytes' | 'payloadWithoutTransient'>): Uint8Array {
  return createHash('sha256').update(parts.channelHeaderBytes).update(parts.signatureHeaderBytes).update(parts.payloadWithoutTransient).digest();
}
