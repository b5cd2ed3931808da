import { msp, type peer } from '@hyperledger/fabric-protos';
import { generateOrganization, type Organization } from '@speedledger/orderer-bft';
import { createMspManager, signingIdentityFromPem } from '../../msp/index.js';
import type { SigningIdentity } from '../../msp/index.js';
import { buildSignedProposal } from '../signed-proposal.js';


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
  /** An InmetroMSP registrar whose certificate starts a day before its CA (Fabric refuses it). */
  readonly earlyRegistrar: SigningIdentity;
  readonly deserialize: ReturnType<typeof createMspManager>['deserialize'];
}

async function identity(org: Organization, name: string, ou: 'client' | 'peer', attrs?: Record<string, string>, now?: Date): Promise<SigningIdentity> {
  const enrolled = await org.enrol(`${name}.${org.domain}`, { ou, ...(attrs ? { attrs } : {}), ...(now ? { now } : {}) });
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
      earlyRegistrar: await identity(inmetro!, 'registrar0', 'client', { 'speedledger.role': 'registrar' }, new Date(now.getTime() - 86_400_000)),
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

/** A signed proposal as Fabric clients build it, with this network's defaults (channel, time, a readable nonce). */
export function buildProposal(spec: ProposalSpec): { readonly signed: InstanceType<typeof peer.SignedProposal>; readonly txId: string } {
  const { signed, txId } = buildSignedProposal({ ...spec, channelId: spec.channelId ?? CHANNEL, timestamp: spec.timestamp ?? NOW, nonce: Buffer.from(spec.nonce) });
  return { signed, txId };
}

/** msp.SerializedIdentity bytes for a PEM (e.g. to forge a creator). */
export function serializedIdentity(mspId: string, pem: string): Uint8Array {
  const id = new msp.SerializedIdentity();
  id.setMspid(mspId);
  id.setIdBytes(Buffer.from(pem));
  return id.serializeBinary();
}
