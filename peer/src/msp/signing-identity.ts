import { createPublicKey, X509Certificate } from 'node:crypto';
import { msp } from '@hyperledger/fabric-protos';
import { loadPrivateKey, signP256 } from '@speedledger/orderer-bft';
import type { SigningIdentity } from './identity.js';
import { MspError } from './msp-error.js';

/** The `msp.SerializedIdentity` bytes Fabric puts in creator / endorser fields: MSP id + PEM certificate. */
export function serializeIdentity(mspId: string, certPem: string): Uint8Array {
  const identity = new msp.SerializedIdentity();
  identity.setMspid(mspId);
  identity.setIdBytes(new TextEncoder().encode(certPem));
  return identity.serializeBinary();
}

/**
 * A signing identity from a PEM certificate and its P-256 private key (PKCS#8 or SEC1). Throws
 * INVALID_SIGNING_IDENTITY when either is unusable or the key does not belong to the certificate.
 * Signatures are DER, low-S, over SHA-256 of the message.
 */
export function signingIdentityFromPem(mspId: string, certPem: string, keyPem: string): SigningIdentity {
  const bad = (why: string, cause?: unknown): never => {
    throw new MspError('INVALID_SIGNING_IDENTITY', `signing identity of ${mspId}: ${why}`, { mspId }, cause);
  };
  if (mspId === '') bad('empty MSP id');
  let certificate: X509Certificate | undefined;
  try {
    certificate = new X509Certificate(certPem);
  } catch (cause) {
    bad('certificate is not a parsable PEM X.509 certificate', cause);
  }
  let key: ReturnType<typeof loadPrivateKey> | undefined;
  try {
    key = loadPrivateKey(keyPem);
  } catch (cause) {
    bad('private key is not a P-256 PEM key', cause);
  }
  const fromKey = createPublicKey(key!).export({ format: 'der', type: 'spki' });
  const fromCert = certificate!.publicKey.export({ format: 'der', type: 'spki' });
  if (!fromKey.equals(fromCert)) bad('private key does not match the certificate');
  const serialized = serializeIdentity(mspId, certPem);
  return {
    mspId,
    serialized,
    certificatePem: certPem,
    sign: (message: Uint8Array): Uint8Array => signP256(key!, message, 'der'),
  };
}
