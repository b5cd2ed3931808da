import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import protos from '@hyperledger/fabric-protos';
import type { TestIdentity } from './test-identities.js';

const { common, msp, peer } = protos;
// google-protobuf's Timestamp, from the same copy fabric-protos uses.
const requireFromProtos = createRequire(createRequire(import.meta.url).resolve('@hyperledger/fabric-protos'));
const { Timestamp } = requireFromProtos('google-protobuf/google/protobuf/timestamp_pb.js') as {
  Timestamp: { fromDate(date: Date): unknown };
};

/** A proposal as a Fabric client sends it to an endorser, plus what the harness needs to run it. */
export interface ProposalEnvelope {
  readonly txId: string;
  readonly channelId: string;
  readonly chaincodeName: string;
  readonly timestamp: Date;
  readonly args: Buffer[];
  /** The real `protos.SignedProposal` message. */
  readonly signedProposal: InstanceType<typeof peer.SignedProposal>;
}

/** Inputs of {@link buildSignedProposal}. */
export interface ProposalRequest {
  readonly identity: TestIdentity;
  readonly channelId: string;
  readonly chaincodeName: string;
  /** Function name (e.g. `MeterRegistry:RegisterMeter`) then its arguments. */
  readonly args: readonly (string | Uint8Array)[];
  readonly timestamp: Date;
  readonly nonce: Uint8Array;
  readonly transient?: Record<string, Uint8Array>;
}

/**
 * Builds and signs a proposal exactly as Fabric clients do: ChannelHeader (endorser
 * transaction, tx id = SHA-256(nonce ‖ creator)), SignatureHeader with a serialized X.509
 * identity, ChaincodeProposalPayload with the invocation spec, signed with the identity's key.
 */
export function buildSignedProposal(request: ProposalRequest): ProposalEnvelope {
  const args = request.args.map((a) => (typeof a === 'string' ? Buffer.from(a, 'utf8') : Buffer.from(a)));
  const creator = new msp.SerializedIdentity();
  creator.setMspid(request.identity.mspId);
  creator.setIdBytes(Buffer.from(request.identity.certificatePem, 'utf8'));
  const creatorBytes = creator.serializeBinary();
  const txId = createHash('sha256').update(request.nonce).update(creatorBytes).digest('hex');

  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(request.chaincodeName);
  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);

  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setVersion(0);
  channelHeader.setChannelId(request.channelId);
  channelHeader.setTxId(txId);
  channelHeader.setEpoch(0);
  channelHeader.setTimestamp(Timestamp.fromDate(request.timestamp) as never);
  channelHeader.setExtension$(extension.serializeBinary());

  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(creatorBytes);
  signatureHeader.setNonce(request.nonce);

  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());

  const input = new peer.ChaincodeInput();
  input.setArgsList(args);
  const spec = new peer.ChaincodeSpec();
  spec.setType(peer.ChaincodeSpec.Type.NODE);
  spec.setChaincodeId(chaincodeId);
  spec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);
  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocation.serializeBinary());
  for (const [k, v] of Object.entries(request.transient ?? {})) payload.getTransientmapMap().set(k, v);

  const proposal = new peer.Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload.serializeBinary());
  const proposalBytes = proposal.serializeBinary();

  const signedProposal = new peer.SignedProposal();
  signedProposal.setProposalBytes(proposalBytes);
  signedProposal.setSignature(request.identity.sign(proposalBytes));
  return { txId, channelId: request.channelId, chaincodeName: request.chaincodeName, timestamp: request.timestamp, args, signedProposal };
}
