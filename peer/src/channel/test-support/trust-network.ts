import type { common } from '@hyperledger/fabric-protos';
import { createGenesisBlock, generateOrganization, type EnrolledIdentity, type Organization } from '@speedledger/orderer-bft';
import { signingIdentityFromPem } from '../../msp/index.js';
import type { NodeRole, SigningIdentity } from '../../msp/index.js';

/** Fixed test time: certificates are valid from here for a year. */
export const TRUST_NOW = new Date('2026-01-01T00:00:00Z');
export const TRUST_CHANNEL = 'speedledger';
/** The embedded network's application organisations. */
export const APP_MSPS = ['InmetroMSP', 'PTBMSP', 'LaSIGEMSP', 'CityOperatorMSP'] as const;
export type AppMsp = (typeof APP_MSPS)[number];

/** Organisations, one signing identity per (application org, role), an orderer, and the genesis block. */
export interface TrustNetwork {
  readonly orgs: ReadonlyMap<string, Organization>;
  readonly ordererOrg: Organization;
  readonly orderer: EnrolledIdentity;
  readonly genesis: common.Block;
  /** `signer('InmetroMSP', 'peer')`: the org's first identity with that role. */
  signer(mspId: AppMsp | 'OrdererMSP', role: NodeRole): SigningIdentity;
  /** A further identity (distinct certificate) of the org with that role. */
  enrol(mspId: AppMsp, role: NodeRole, name: string): Promise<SigningIdentity>;
}

let shared: Promise<TrustNetwork> | undefined;

/** Generates (once per test file) four application organisations, an orderer org and a genesis block. */
export function trustNetwork(): Promise<TrustNetwork> {
  shared ??= (async () => {
    const orgs = new Map<string, Organization>();
    const signers = new Map<string, SigningIdentity>();
    for (const mspId of APP_MSPS) {
      const domain = `${mspId.replace(/MSP$/, '').toLowerCase()}.example.com`;
      const org = await generateOrganization({ mspId, domain, now: TRUST_NOW });
      orgs.set(mspId, org);
      for (const role of ['admin', 'peer', 'client'] as const) {
        const id = await org.enrol(`${role}0.${domain}`, { ou: role });
        signers.set(`${mspId}/${role}`, signingIdentityFromPem(mspId, id.certPem, id.privateKeyPem));
      }
    }
    const ordererOrg = await generateOrganization({ mspId: 'OrdererMSP', domain: 'orderer.example.com', now: TRUST_NOW });
    const orderer = await ordererOrg.enrol('orderer0.orderer.example.com', { ou: 'orderer' });
    signers.set('OrdererMSP/orderer', signingIdentityFromPem('OrdererMSP', orderer.certPem, orderer.privateKeyPem));
    const genesis = createGenesisBlock({
      channelId: TRUST_CHANNEL,
      organizations: APP_MSPS.map((mspId) => ({ mspId, rootCertsPem: [orgs.get(mspId)!.ca.certPem] })),
      ordererOrganizations: [{ mspId: 'OrdererMSP', rootCertsPem: [ordererOrg.ca.certPem] }],
      consenters: [{ id: 1, host: '127.0.0.1', port: 7050, mspId: 'OrdererMSP', certPem: orderer.certPem }],
    });
    return {
      orgs,
      ordererOrg,
      orderer,
      genesis,
      signer(mspId, role) {
        const found = signers.get(`${mspId}/${role}`);
        if (found === undefined) throw new Error(`no ${role} identity for ${mspId} in the test network`);
        return found;
      },
      async enrol(mspId, role, name) {
        const id = await orgs.get(mspId)!.enrol(name, { ou: role });
        return signingIdentityFromPem(mspId, id.certPem, id.privateKeyPem);
      },
    };
  })();
  return shared;
}
