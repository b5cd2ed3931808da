import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { common, peer } from '@hyperledger/fabric-protos';
import type { SigningIdentity } from '../msp/index.js';
import type { ProposalProcessor } from '../services/index.js';
import { prepareTransaction } from '../services/index.js';

// The Timestamp class of the google-protobuf copy fabric-protos uses (its messages check the class).
const requireFromProtos = createRequire(createRequire(import.meta.url).resolve('@hyperledger/fabric-protos'));
const { Timestamp } = requireFromProtos('google-protobuf/google/protobuf/timestamp_pb.js') as { Timestamp: { fromDate(date: Date): unknown } };

/** A proposal the peer makes in its own name (e.g. recording a package refusal). */
export interface OwnProposal {
  readonly txId: string;
  readonly proposal: peer.Proposal;
  readonly signed: peer.SignedProposal;
}

/** A signed chaincode invocation proposal by `identity`, with Fabric's tx id = SHA-256(nonce ‖ creator). */
export function buildOwnProposal(channelId: string, chaincode: string, args: readonly Uint8Array[], identity: SigningIdentity, now: Date): OwnProposal {
  const nonce = randomBytes(24);
  const txId = createHash('sha256').update(nonce).update(identity.serialized).digest('hex');
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(channelId);
  channelHeader.setTxId(txId);
  channelHeader.setTimestamp(Timestamp.fromDate(now) as never);
  const extension = new peer.ChaincodeHeaderExtension();
  const id = new peer.ChaincodeID();
  id.setName(chaincode);
  extension.setChaincodeId(id);
  channelHeader.setExtension$(extension.serializeBinary());
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(identity.serialized);
  signatureHeader.setNonce(nonce);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const input = new peer.ChaincodeInput();
  input.setArgsList([...args]);
  const spec = new peer.ChaincodeSpec();
  spec.setType(peer.ChaincodeSpec.Type.NODE);
  spec.setChaincodeId(id);
  spec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);
  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocation.serializeBinary());
  const proposal = new peer.Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload.serializeBinary());
  const proposalBytes = proposal.serializeBinary();
  const signed = new peer.SignedProposal();
  signed.setProposalBytes(proposalBytes);
  signed.setSignature(identity.sign(proposalBytes));
  return { txId, proposal, signed };
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
