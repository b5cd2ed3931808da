import 'reflect-metadata';
import { createHash, webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { generateOrganization, loadOrganization } from './crypto-material.js';
import { readDerElements } from './der.js';
import { TEST_NOW } from './test-support/fixtures.js';

const OID_SUBJECT_KEY_ID = Buffer.from([0x55, 0x1d, 0x0e]); // 2.5.29.14
const OID_AUTHORITY_KEY_ID = Buffer.from([0x55, 0x1d, 0x23]); // 2.5.29.35

/** The extnValue (inner bytes of the OCTET STRING) of a certificate's extension, by a DER walk. */
function extensionValue(pem: string, oid: Buffer): Buffer {
  const [cert] = readDerElements(new X509Certificate(pem).raw)!;
  const [tbs] = readDerElements(cert!.content)!;
  const explicit = readDerElements(tbs!.content)!.find((e) => e.tag === 0xa3)!;
  const [list] = readDerElements(explicit.content)!;
  for (const ext of readDerElements(list!.content)!) {
    const parts = readDerElements(ext.content)!;
    if (parts[0]!.tag === 0x06 && Buffer.from(parts[0]!.content).equals(oid)) return Buffer.from(parts[parts.length - 1]!.content);
  }
  throw new Error(`no extension ${oid.toString('hex')}`);
}

const subjectKeyId = (pem: string): string => Buffer.from(readDerElements(extensionValue(pem, OID_SUBJECT_KEY_ID))![0]!.content).toString('hex');
/** The keyIdentifier [0] of the AuthorityKeyIdentifier SEQUENCE. */
const authorityKeyId = (pem: string): string => {
  const [seq] = readDerElements(extensionValue(pem, OID_AUTHORITY_KEY_ID))!;
  return Buffer.from(readDerElements(seq!.content)!.find((e) => e.tag === 0x80)!.content).toString('hex');
};

/** A CA as Fabric's cryptogen makes one: its Subject Key Identifier is SHA-256 of the public point. */
async function cryptogenStyleCa(domain: string): Promise<{ certPem: string; privateKeyPem: string; ski: string }> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const ski = createHash('sha256').update(Buffer.from(await webcrypto.subtle.exportKey('raw', keys.publicKey))).digest('hex');
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=ca.${domain}, O=${domain}, L=San Francisco, ST=California, C=US`,
    notBefore: TEST_NOW,
    notAfter: new Date(TEST_NOW.getTime() + 3650 * 86_400_000),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      new x509.SubjectKeyIdentifierExtension(ski),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  return { certPem: cert.toString('pem'), privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`, ski };
}

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

  it('writes an Authority Key Identifier equal to its CA\'s Subject Key Identifier, also for a cryptogen CA', async () => {
    const own = await generateOrganization({ mspId: 'Org5MSP', domain: 'org5.example.com', now: TEST_NOW });
    const ownLeaf = (await own.enrol('user1.org5.example.com', { ou: 'client' })).certPem;
    expect(authorityKeyId(ownLeaf)).toBe(subjectKeyId(own.ca.certPem));

    const ca = await cryptogenStyleCa('org6.example.com');
    expect(subjectKeyId(ca.certPem)).toBe(ca.ski);
    const reopened = await loadOrganization('Org6MSP', 'org6.example.com', ca, TEST_NOW);
    const leaf = (await reopened.enrol('registrar1.org6.example.com', { ou: 'client', attrs: { 'speedledger.role': 'registrar' } })).certPem;
    expect(authorityKeyId(leaf)).toBe(ca.ski);
    expect(authorityKeyId(leaf)).not.toBe(subjectKeyId(leaf));
    // OpenSSL matches AKI to the issuer's SKI: a mismatch makes the CA "not the issuer".
    const caCert = new X509Certificate(ca.certPem);
    expect(new X509Certificate(leaf).checkIssued(caCert)).toBe(true);
    expect(new X509Certificate(leaf).verify(caCert.publicKey)).toBe(true);
  });

  it('refuses names that would inject into the certificate subject', async () => {
    await expect(generateOrganization({ mspId: 'Org1MSP', domain: 'a, O=evil', now: TEST_NOW })).rejects.toMatchObject({ code: 'INVALID_CRYPTO_REQUEST' });
    const org = await generateOrganization({ mspId: 'Org4MSP', domain: 'org4.example.com', now: TEST_NOW });
    await expect(org.enrol('x,CN=y', { ou: 'client' })).rejects.toMatchObject({ code: 'INVALID_CRYPTO_REQUEST' });
  });
});
