import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateOrganization, loadOrganization } from './crypto-material.js';
import { TEST_NOW } from './test-support/fixtures.js';

describe('crypto material (cryptogen-like)', () => {
  it('creates a self-signed P-256 CA and leaf identities it issued, with OU and validity', async () => {
    const org = await generateOrganization({ mspId: 'Org2MSP', domain: 'org2.example.com', now: TEST_NOW });
    const ca = new X509Certificate(org.ca.certPem);
    expect(ca.ca).toBe(true);
    expect(ca.checkIssued(ca)).toBe(true);
    expect(ca.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(ca.subject).toContain('CN=ca.org2.example.com');

    const peer = await org.enrol('peer0.org2.example.com', { ou: 'peer', attrs: { role: 'meter-operator' } });
    const cert = new X509Certificate(peer.certPem);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(ca) && cert.verify(ca.publicKey)).toBe(true);
    expect(cert.subject).toContain('OU=peer');
    expect(new Date(cert.validFrom).getTime()).toBe(TEST_NOW.getTime());
    expect(cert.raw.includes(Buffer.from('{"attrs":{"role":"meter-operator"}}'))).toBe(true);
    expect(peer).toMatchObject({ name: 'peer0.org2.example.com', mspId: 'Org2MSP', ou: 'peer' });
  });

  it('re-opens an organisation from stored CA material and keeps issuing under the same CA', async () => {
    const org = await generateOrganization({ mspId: 'Org3MSP', domain: 'org3.example.com', now: TEST_NOW });
    const again = await loadOrganization('Org3MSP', 'org3.example.com', org.ca, TEST_NOW);
    const client = new X509Certificate((await again.enrol('user1.org3.example.com', { ou: 'client' })).certPem);
    expect(client.verify(new X509Certificate(org.ca.certPem).publicKey)).toBe(true);
    await expect(loadOrganization('Org3MSP', 'org3.example.com', { certPem: 'x', privateKeyPem: 'y' }, TEST_NOW))
      .rejects.toMatchObject({ code: 'INVALID_CRYPTO_REQUEST' });
  });

  it('refuses names that would inject into the certificate subject', async () => {
    await expect(generateOrganization({ mspId: 'Org1MSP', domain: 'a, O=evil', now: TEST_NOW })).rejects.toMatchObject({ code: 'INVALID_CRYPTO_REQUEST' });
    const org = await generateOrganization({ mspId: 'Org4MSP', domain: 'org4.example.com', now: TEST_NOW });
    await expect(org.enrol('x,CN=y', { ou: 'client' })).rejects.toMatchObject({ code: 'INVALID_CRYPTO_REQUEST' });
  });
});
