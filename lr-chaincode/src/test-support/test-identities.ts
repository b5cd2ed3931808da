import { createPrivateKey, sign, webcrypto, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

type KeyPair = webcrypto.CryptoKeyPair;

/** OID of the Fabric-CA attribute extension (`{"attrs":{…}}` as raw JSON in the extension value). */
export const FABRIC_ATTRS_OID = '1.2.3.4.5.6.7.8.1';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A client identity as a Fabric MSP would issue it: certificate (PEM) and signing key. */
export interface TestIdentity {
  readonly mspId: string;
  readonly name: string;
  readonly certificatePem: string;
  readonly privateKey: KeyObject;
  /** DER ECDSA-SHA256 signature, as Fabric clients sign proposals. */
  sign(data: Uint8Array): Buffer;
}

/** One organisation's CA, able to enrol identities. */
export interface TestOrganisation {
  readonly mspId: string;
  enrol(name: string, options?: { ou?: string[]; attrs?: Record<string, string> }): Promise<TestIdentity>;
}

const NOT_BEFORE = new Date('2025-01-01T00:00:00Z');
const NOT_AFTER = new Date('2035-01-01T00:00:00Z');

async function exportPrivateKey(key: webcrypto.CryptoKey): Promise<KeyObject> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', key);
  return createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
}

let serial = 1;

/** Creates an organisation with a self-signed P-256 CA named after its MSP id. */
export async function createTestOrganisation(mspId: string): Promise<TestOrganisation> {
  const caKeys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as KeyPair;
  const caName = `CN=ca.${mspId.toLowerCase()}, O=${mspId}`;
  await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: (serial++).toString(16).padStart(2, '0'),
    name: caName,
    notBefore: NOT_BEFORE,
    notAfter: NOT_AFTER,
    keys: caKeys as never,
    signingAlgorithm: ALGORITHM,
    extensions: [new x509.BasicConstraintsExtension(true, 1, true)],
  });
  return {
    mspId,
    async enrol(name, options = {}) {
      const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as KeyPair;
      const ous = (options.ou ?? ['client']).map((ou) => `OU=${ou}`).join(', ');
      const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, true)];
      if (options.attrs) {
        extensions.push(new x509.Extension(FABRIC_ATTRS_OID, false, Buffer.from(JSON.stringify({ attrs: options.attrs }))));
      }
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: (serial++).toString(16).padStart(2, '0'),
        subject: `CN=${name}, ${ous}, O=${mspId}`,
        issuer: caName,
        notBefore: NOT_BEFORE,
        notAfter: NOT_AFTER,
        publicKey: keys.publicKey as never,
        signingKey: caKeys.privateKey as never,
        signingAlgorithm: ALGORITHM,
        extensions,
      });
      const privateKey = await exportPrivateKey(keys.privateKey);
      return {
        mspId,
        name,
        certificatePem: cert.toString('pem'),
        privateKey,
        sign: (data) => sign('sha256', data, privateKey),
      };
    },
  };
}
