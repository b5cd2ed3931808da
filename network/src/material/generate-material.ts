import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createGenesisBlock, generateOrganization, type ChannelSpec, type EnrolledIdentity, type Organization } from '@speedledger/orderer-bft';
import { NetworkError } from '../errors/network-error.js';
import { CHANNEL_ID, NETWORK_ORGS, type NetworkOrg } from '../plan/network-orgs.js';
import { orgDirOf, userMspDir, type NetworkPlan } from '../plan/network-plan.js';
import { lifecycleEndorsementPolicy } from './channel-policies.js';
import { writeCaDir, writeMspDir } from './msp-writer.js';

/** Where the genesis block is written, relative to the data directory. */
export const GENESIS_BLOCK_FILE = 'channel/genesis.block';

/** What {@link generateMaterial} made: CA certificates per organisation and the consenter identities. */
export interface GeneratedMaterial {
  readonly caCertsPem: Readonly<Record<string, string>>;
  readonly consenters: ChannelSpec['consenters'];
  readonly genesisBlockFile: string;
}

/** The Fabric-CA attribute that makes a client a registrar of its notified body. */
export const REGISTRAR_ATTRS = { 'speedledger.role': 'registrar' } as const;

function hostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

/**
 * The channel spec of the embedded network: four application organisations, one orderer MSP
 * per organisation (same CA), the consenters in replica order, lifecycle endorsement "notified
 * body AND majority", and Writers admitting peers (they record package refusals on the ledger).
 */
export function networkChannelSpec(caCertsPem: Readonly<Record<string, string>>, consenters: ChannelSpec['consenters'], plan: NetworkPlan): ChannelSpec {
  const root = (org: NetworkOrg): string[] => [caCertsPem[org.dir]!];
  const ordererOrgs = NETWORK_ORGS.filter((org) => plan.orderers.some((o) => o.org === org.dir));
  return {
    channelId: CHANNEL_ID,
    organizations: NETWORK_ORGS.map((org) => ({ mspId: org.mspId, rootCertsPem: root(org) })),
    ordererOrganizations: ordererOrgs.map((org) => ({
      mspId: org.ordererMspId, rootCertsPem: root(org), endpoints: plan.orderers.filter((o) => o.org === org.dir).map((o) => o.address),
    })),
    consenters,
    batch: { maxMessageCount: 500, timeout: '200ms' },
    application: {
      lifecycleEndorsement: lifecycleEndorsementPolicy('InmetroMSP', NETWORK_ORGS.map((o) => o.mspId)),
      writerRoles: ['admin', 'client', 'peer'],
    },
  };
}

async function enrolAll(org: NetworkOrg, ca: Organization, plan: NetworkPlan, dataDir: string): Promise<EnrolledIdentity[]> {
  const orgDir = join(dataDir, orgDirOf(org));
  await writeCaDir(orgDir, org.domain, ca.ca);
  await writeMspDir(join(orgDir, 'msp'), org.domain, ca.ca.certPem);
  const orderers: EnrolledIdentity[] = [];
  for (const member of [...plan.orderers, ...plan.peers].filter((m) => m.org === org.dir)) {
    const identity = await ca.enrol(member.name, { ou: member.kind });
    // The orderer signs as its organisation's orderer MSP; the certificate is the same CA's.
    const asMember = member.kind === 'orderer' ? { ...identity, mspId: org.ordererMspId } : identity;
    await writeMspDir(join(dataDir, member.mspDir), org.domain, ca.ca.certPem, asMember);
    if (member.kind === 'orderer') orderers.push(asMember);
  }
  const users: Array<[string, 'admin' | 'client', Record<string, string> | undefined]> = [['Admin', 'admin', undefined], ['User1', 'client', undefined]];
  if (org.notifiedBody) users.push(['Registrar', 'client', { ...REGISTRAR_ATTRS }]);
  for (const [user, ou, attrs] of users) {
    const identity = await ca.enrol(`${user}@${org.domain}`, { ou, ...(attrs === undefined ? {} : { attrs }) });
    await writeMspDir(join(dataDir, userMspDir(org, user)), org.domain, ca.ca.certPem, identity);
  }
  return orderers;
}

/**
 * cryptogen + configtxgen for the embedded network: one CA per organisation (P-256, validity
 * from `now`), an admin, a peer, its orderers, `User1` and (notified bodies) `Registrar` per
 * organisation in Fabric's MSP layout under `DIR/organizations/<org>`, and the channel genesis
 * block at `DIR/channel/genesis.block`.
 */
export async function generateMaterial(dataDir: string, plan: NetworkPlan, now: Date): Promise<GeneratedMaterial> {
  try {
    const caCertsPem: Record<string, string> = {};
    const ordererIdentities = new Map<string, EnrolledIdentity>();
    for (const org of NETWORK_ORGS) {
      const ca = await generateOrganization({ mspId: org.mspId, domain: org.domain, now, country: 'BR', locality: 'Rio de Janeiro' });
      caCertsPem[org.dir] = ca.ca.certPem;
      for (const identity of await enrolAll(org, ca, plan, dataDir)) ordererIdentities.set(identity.name, identity);
    }
    const consenters = plan.orderers.map((o, i) => {
      const identity = ordererIdentities.get(o.name)!;
      return { id: i + 1, ...hostPort(o.address), mspId: o.mspId, certPem: identity.certPem };
    });
    const genesis = createGenesisBlock(networkChannelSpec(caCertsPem, consenters, plan));
    await mkdir(join(dataDir, 'channel'), { recursive: true });
    await writeFile(join(dataDir, GENESIS_BLOCK_FILE), genesis.serializeBinary());
    return { caCertsPem, consenters, genesisBlockFile: GENESIS_BLOCK_FILE };
  } catch (cause) {
    if (cause instanceof NetworkError) throw cause;
    throw new NetworkError('MATERIAL_FAILED', `generating crypto material in ${dataDir} failed: ${(cause as Error).message}`, { dataDir }, cause);
  }
}
