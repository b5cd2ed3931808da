import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFabricSigner } from '../fabric-signer.js';
import { testNetwork, type TestNetwork } from '../test-support/fixtures.js';
import { identityMspDir, readMspIdentity, writeOrganization } from './msp-directory.js';

let net: TestNetwork;
let root: string;

beforeAll(async () => {
  net = await testNetwork(4);
  root = await mkdtemp(join(tmpdir(), 'fabric-msp-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('writeOrganization / readMspIdentity', () => {
  it('writes the cryptogen layout and reads a usable identity back', async () => {
    const org = net.ordererOrg;
    const orgDir = await writeOrganization(root, { mspId: org.mspId, domain: org.domain, kind: 'orderer', ca: org.ca, identities: net.orderers });
    expect(orgDir).toBe(join(root, 'organizations', 'ordererOrganizations', 'orderer.example.com'));
    expect(await readFile(join(orgDir, 'msp', 'cacerts', 'ca.orderer.example.com-cert.pem'), 'utf8')).toBe(org.ca.certPem);
    expect(await readFile(join(orgDir, 'msp', 'config.yaml'), 'utf8')).toContain('OrganizationalUnitIdentifier: orderer');

    const mspDir = identityMspDir(orgDir, net.orderers[1]!.name, 'orderer');
    expect(mspDir).toBe(join(orgDir, 'orderers', 'orderer1.orderer.example.com', 'msp'));
    expect((await stat(join(mspDir, 'keystore', 'priv_sk'))).mode & 0o777).toBe(0o600);
    const identity = await readMspIdentity(mspDir);
    expect(identity).toEqual({ certPem: net.orderers[1]!.certPem, privateKeyPem: net.orderers[1]!.privateKeyPem, caCertsPem: [org.ca.certPem] });
    expect(() => createFabricSigner({ consenterId: 2, mspId: org.mspId, ...identity })).not.toThrow();
  });

  it('puts clients under users/ and refuses an identity of another organisation', async () => {
    const org = net.clientOrg;
    const orgDir = await writeOrganization(root, { mspId: org.mspId, domain: org.domain, kind: 'peer', ca: org.ca, identities: [net.client] });
    expect((await readMspIdentity(identityMspDir(orgDir, net.client.name, 'client'))).certPem).toBe(net.client.certPem);
    await expect(writeOrganization(root, { mspId: org.mspId, domain: org.domain, kind: 'peer', ca: org.ca, identities: [net.orderers[0]!] }))
      .rejects.toMatchObject({ code: 'INVALID_CRYPTO_REQUEST' });
  });

  it('reports a missing MSP directory as INVALID_IDENTITY', async () => {
    await expect(readMspIdentity(join(root, 'nowhere'))).rejects.toMatchObject({ code: 'INVALID_IDENTITY' });
  });
});
