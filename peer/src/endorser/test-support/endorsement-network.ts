import { createRequire } from 'node:module';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { generateOrganization, type Organization } from '@speedledger/orderer-bft';
import { createMspManager, signingIdentityFromPem } from '../../msp/index.js';
import type { SigningIdentity } from '../../msp/index.js';
import { expectedTxId } from '../proposal-parts.js';

const requireFromProtos = createRequire(createRequire(import.meta.url).resolve('@hyperledger/fabric-protos'));
const { Timestamp } = requireFromProtos('google-protobuf/google/protobuf/timestamp_pb.js') as { Timestamp: { fromDate(date: Date): unknown } };

export const CHANNEL = 'speedledger';
export const NOW = new Date('2026-03-01T12:00:00Z');

/** Organisations, identities and an MSP deserializer for endorser tests. */
export interface EndorsementNetwork {
  readonly inmetroRegistrar: SigningIdentity;
  readonly ptbRegistrar: SigningIdentity;
  readonly cityOperator: SigningIdentity;
  readonly inmetroPeer: SigningIdentity;
  readonly ptbPeer: SigningIdentity;
  /** A client of an organisation the channel does not know. */
  readonly outsider: SigningIdentity;
  readonly deserialize: ReturnType<typeof createMspManager>['deserialize'];
}

async function identity(org: Organization, name: string, ou: 'client' | 'peer', attrs?: Record<string, string>): Promise<SigningIdentity> {
  const enrolled = await org.enrol(`${name}.${org.domain}`, { ou, ...(attrs ? { attrs } : {}) });
  return signingIdentityFromPem(org.mspId, enrolled.certPem, enrolled.privateKeyPem);
}

let shared: Promise<EndorsementNetwork> | undefined;

/** Generated once per test file: InmetroMSP, PTBMSP, CityOperatorMSP and an untrusted RogueMSP. */
export function endorsementNetwork(): Promise<EndorsementNetwork> {
  shared ??= (async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const [inmetro, ptb, city, rogue] = await Promise.all(
      ['InmetroMSP', 'PTBMSP', 'CityOperatorMSP', 'InmetroMSP'].map((mspId, i) => generateOrganization({ mspId, domain: `org${i}.example.com`, now })),
    );
    const manager = createMspManager([inmetro!, ptb!, city!].map((o) => ({ mspId: o.mspId, rootCertsPem: [o.ca.certPem] })));
    return {
      inmetroRegistrar: await identity(inmetro!, 'registrar1', 'client', { 'speedledger.role': 'registrar' }),
      ptbRegistrar: await identity(ptb!, 'registrar2', 'client', { 'speedledger.role': 'registrar' }),
      cityOperator: await identity(city!, 'ingest1', 'client'),
      inmetroPeer: await identity(inmetro!, 'peer0', 'peer'),
      ptbPeer: await identity(ptb!, 'peer0', 'peer'),
      outsider: await identity(rogue!, 'registrar1', 'client', { 'speedledger.role': 'registrar' }),
      deserialize: (bytes) => manager.deserialize(bytes),
    };
  })();
  return shared;
}

/** Inputs of {@link buildProposal}; the overrides produce deliberately bad proposals. */
export interface ProposalSpec {
  readonly signer: SigningIdentity;
  readonly chaincode: string;
  readonly args: readonly (string | Uint8Array)[];
  readonly nonce: string;
  readonly channelId?: string;
  readonly headerType?: number;
  readonly txId?: string;
  readonly transient?: Record<string, Uint8Array>;
  readonly timestamp?: Date;
}

/** A signed proposal as Fabric clients build it (tx id = SHA-256(nonce ‖ creator)). */
export function buildProposal(spec: ProposalSpec): { readonly signed: InstanceType<typeof peer.SignedProposal>; readonly txId: string } {
  const nonce = Buffer.from(spec.nonce);
  const txId = spec.txId ?? expectedTxId(nonce, spec.signer.serialized);
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(spec.chaincode);
  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType((spec.headerType ?? common.HeaderType.ENDORSER_TRANSACTION) as never);
  channelHeader.setChannelId(spec.channelId ?? CHANNEL);
  channelHeader.setTxId(txId);
  channelHeader.setTimestamp(Timestamp.fromDate(spec.timestamp ?? NOW) as never);
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
  return { signed, txId };
}

/** msp.SerializedIdentity bytes for a PEM (e.g. to forge a creator). */
export function serializedIdentity(mspId: string, pem: string): Uint8Array {
  const id = new msp.SerializedIdentity();
  id.setMspid(mspId);
  id.setIdBytes(Buffer.from(pem));
  return id.serializeBinary();
}
