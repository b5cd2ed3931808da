import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { common, peer } from '@hyperledger/fabric-protos';
import type { SigningIdentity } from '../msp/identity.js';
import { expectedTxId } from './proposal-parts.js';

// The Timestamp class of the google-protobuf copy fabric-protos uses (its messages check the class).
const requireFromProtos = createRequire(createRequire(import.meta.url).resolve('@hyperledger/fabric-protos'));
const { Timestamp } = requireFromProtos('google-protobuf/google/protobuf/timestamp_pb.js') as { Timestamp: { fromDate(date: Date): unknown } };

/** What a chaincode invocation proposal says. */
export interface SignedProposalSpec {
  readonly signer: SigningIdentity;
  readonly channelId: string;
  readonly chaincode: string;
  /** Function name first, as Fabric clients send it. */
  readonly args: readonly (string | Uint8Array)[];
  readonly timestamp: Date;
  /** Default: 24 random bytes, as Fabric's SDKs. */
  readonly nonce?: Uint8Array;
  /** Default ENDORSER_TRANSACTION. */
  readonly headerType?: number;
  /** Overrides Fabric's SHA-256(nonce ‖ creator), e.g. to test its rejection. */
  readonly txId?: string;
  readonly transient?: Readonly<Record<string, Uint8Array>>;
}

/** A proposal and its signed form. */
export interface BuiltProposal {
  readonly txId: string;
  readonly proposal: peer.Proposal;
  readonly signed: peer.SignedProposal;
}

/** A signed chaincode invocation proposal as Fabric clients build it (tx id = SHA-256(nonce ‖ creator)). */
export function buildSignedProposal(spec: SignedProposalSpec): BuiltProposal {
  const nonce = spec.nonce ?? randomBytes(24);
  const txId = spec.txId ?? expectedTxId(nonce, spec.signer.serialized);
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(spec.chaincode);
  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType((spec.headerType ?? common.HeaderType.ENDORSER_TRANSACTION) as never);
  channelHeader.setChannelId(spec.channelId);
  channelHeader.setTxId(txId);
  channelHeader.setTimestamp(Timestamp.fromDate(spec.timestamp) as never);
  channelHeader.setExtension$(extension.serializeBinary());
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(spec.signer.serialized);
  signatureHeader.setNonce(nonce);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const input = new peer.ChaincodeInput();
  input.setArgsList(spec.args.map((a) => (typeof a === 'string' ? Buffer.from(a) : a)));
  const ccSpec = new peer.ChaincodeSpec();
  ccSpec.setType(peer.ChaincodeSpec.Type.NODE);
  ccSpec.setChaincodeId(chaincodeId);
  ccSpec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(ccSpec);
  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocation.serializeBinary());
  for (const [k, v] of Object.entries(spec.transient ?? {})) payload.getTransientmapMap().set(k, v);
  const proposal = new peer.Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload.serializeBinary());
  const bytes = proposal.serializeBinary();
  const signed = new peer.SignedProposal();
  signed.setProposalBytes(bytes);
  signed.setSignature(spec.signer.sign(bytes));
  return { txId, proposal, signed };
}
