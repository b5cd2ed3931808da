import { X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { common, msp } from '@hyperledger/fabric-protos';
import { readChannelConfig, readMspIdentity } from '@speedledger/orderer-bft';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETWORK_ORGS } from '../plan/network-orgs.js';
import { planNetwork, userMspDir } from '../plan/network-plan.js';
import { generateMaterial, networkChannelSpec, type GeneratedMaterial } from './generate-material.js';

let dir: string;
let material: GeneratedMaterial;
const plan = planNetwork({ orderers: 4, basePort: 20_000 });
const now = new Date('2026-01-01T00:00:00Z');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'network-material-'));
  material = await generateMaterial(dir, plan, now);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function subjectOu(certPem: string): string[] {
  return new X509Certificate(certPem).subject.split('\n').filter((l) => l.startsWith('OU=')).map((l) => l.slice(3));
}

describe('generateMaterial', () => {
  it('lays out every organisation as Fabric does, with NodeOUs', async () => {
    for (const org of NETWORK_ORGS) {
      const orgDir = join(dir, 'organizations', org.dir);
      expect((await readdir(orgDir)).sort()).toEqual(['ca', 'msp', 'orderers', 'peers', 'users']);
      const config = await readFile(join(orgDir, 'msp', 'config.yaml'), 'utf8');
      for (const ou of ['client', 'peer', 'admin', 'orderer']) expect(config).toContain(`OrganizationalUnitIdentifier: ${ou}`);
      expect(config).toContain(`Certificate: cacerts/ca.${org.domain}-cert.pem`);
      expect(await readFile(join(orgDir, 'msp', 'cacerts', `ca.${org.domain}-cert.pem`), 'utf8')).toBe(material.caCertsPem[org.dir]);
      const users = (await readdir(join(orgDir, 'users'))).sort();
      expect(users).toEqual([`Admin@${org.domain}`, ...(org.notifiedBody ? [`Registrar@${org.domain}`] : []), `User1@${org.domain}`]);
    }
  });

  it('enrols each identity with its NodeOU under its organisation CA, keys private', async () => {
    const ca = (org: string) => new X509Certificate(material.caCertsPem[org]!);
    const cases: Array<[string, string, string]> = [];
    for (const org of NETWORK_ORGS) {
      cases.push([org.dir, userMspDir(org, 'Admin'), 'admin'], [org.dir, userMspDir(org, 'User1'), 'client']);
    }
    for (const m of [...plan.peers, ...plan.orderers]) cases.push([m.org, m.mspDir, m.kind]);
    for (const [org, mspDir, ou] of cases) {
      const identity = await readMspIdentity(join(dir, mspDir));
      const cert = new X509Certificate(identity.certPem);
      expect(cert.verify(ca(org).publicKey)).toBe(true);
      expect(subjectOu(identity.certPem)).toEqual([ou]);
      expect((await stat(join(dir, mspDir, 'keystore', 'priv_sk'))).mode & 0o777).toBe(0o600);
      expect(await readFile(join(dir, mspDir, 'config.yaml'), 'utf8')).toContain('Enable: true');
    }
  });

  it('gives registrars of notified bodies the speedledger.role=registrar attribute', async () => {
    for (const org of NETWORK_ORGS.filter((o) => o.notifiedBody)) {
      const { certPem } = await readMspIdentity(join(dir, userMspDir(org, 'Registrar')));
      expect(Buffer.from(certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64').toString('latin1')).toContain('{"attrs":{"speedledger.role":"registrar"}}');
    }
    await expect(readdir(join(dir, 'organizations', 'lasige', 'users'))).resolves.not.toContain('Registrar@lasige.speedledger.local');
  });

  it('writes a genesis block with the four organisations, one orderer MSP each, and the consenters in replica order', async () => {
    const block = common.Block.deserializeBinary(new Uint8Array(await readFile(join(dir, material.genesisBlockFile))));
    const config = readChannelConfig(block);
    expect(config.channelId).toBe('speedledger');
    expect(config.organizations.map((o) => o.mspId).sort()).toEqual(['CityOperatorMSP', 'InmetroMSP', 'LaSIGEMSP', 'PTBMSP']);
    expect(config.ordererOrganizations.map((o) => o.mspId).sort()).toEqual(['CityOperatorOrdererMSP', 'InmetroOrdererMSP', 'LaSIGEOrdererMSP', 'PTBOrdererMSP']);
    expect(config.consenters.map((c) => `${c.host}:${c.port}`)).toEqual(plan.orderers.map((o) => o.address));
    expect(config.consenters.map((c) => c.mspId)).toEqual(plan.orderers.map((o) => o.mspId));
    expect(config.quorum).toBe(3);
  });

  it('sets LifecycleEndorsement to "Inmetro AND majority" over peers, and Writers admitting peers', async () => {
    const block = common.Block.deserializeBinary(new Uint8Array(await readFile(join(dir, material.genesisBlockFile))));
    const envelope = common.Envelope.deserializeBinary(block.getData()!.getDataList_asU8()[0]!);
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const root = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig()!.getChannelGroup()!;
    const app = root.getGroupsMap().get('Application')!;
    const policy = app.getPoliciesMap().get('LifecycleEndorsement')!.getPolicy()!;
    expect(policy.getType()).toBe(common.Policy.PolicyType.SIGNATURE);
    const spe = common.SignaturePolicyEnvelope.deserializeBinary(policy.getValue_asU8());
    const principals = spe.getIdentitiesList().map((p) => msp.MSPRole.deserializeBinary(p.getPrincipal_asU8()));
    expect(principals.map((r) => r.getMspIdentifier())).toEqual(['InmetroMSP', 'PTBMSP', 'LaSIGEMSP', 'CityOperatorMSP']);
    expect(principals.every((r) => r.getRole() === msp.MSPRole.MSPRoleType.PEER)).toBe(true);
    const rule = spe.getRule()!.getNOutOf()!;
    expect(rule.getN()).toBe(2);
    expect(rule.getRulesList()[0]!.getSignedBy()).toBe(0);
    const majority = rule.getRulesList()[1]!.getNOutOf()!;
    expect([majority.getN(), majority.getRulesList().map((r) => r.getSignedBy())]).toEqual([2, [1, 2, 3]]);
    const writers = common.SignaturePolicyEnvelope.deserializeBinary(app.getGroupsMap().get('InmetroMSP')!.getPoliciesMap().get('Writers')!.getPolicy()!.getValue_asU8());
    expect(writers.getIdentitiesList().map((p) => msp.MSPRole.deserializeBinary(p.getPrincipal_asU8()).getRole()))
      .toContain(msp.MSPRole.MSPRoleType.PEER);
  });

  it('with seven orderers lists each organisation\'s orderers as the endpoints of its orderer MSP, in replica order', () => {
    const seven = planNetwork({ orderers: 7, basePort: 20_000 });
    const consenters = seven.orderers.map((o, i) => ({ id: i + 1, host: '127.0.0.1', port: Number(o.address.split(':')[1]), mspId: o.mspId, certPem: '' }));
    const spec = networkChannelSpec(material.caCertsPem, consenters, seven);
    expect(spec.ordererOrganizations.map((o) => [o.mspId, o.endpoints])).toEqual([
      ['InmetroOrdererMSP', ['127.0.0.1:20000', '127.0.0.1:20040']],
      ['PTBOrdererMSP', ['127.0.0.1:20010', '127.0.0.1:20050']],
      ['LaSIGEOrdererMSP', ['127.0.0.1:20020', '127.0.0.1:20060']],
      ['CityOperatorOrdererMSP', ['127.0.0.1:20030']],
    ]);
    expect(spec.ordererOrganizations.every((o, i) => o.rootCertsPem[0] === material.caCertsPem[NETWORK_ORGS[i]!.dir])).toBe(true);
  });
});
