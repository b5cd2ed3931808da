import { createECDH, createHash, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { P256_HALF_ORDER, P256_ORDER, bigIntToBytes, bytesToBigInt } from '@speedledger/lr-chaincode/core';

/**
 * What a meter's secure element holds: a P-256 private key that signs and never leaves.
 * Signatures are r ‖ s with s normalised to the lower half of the group order, as DLR1 requires
 * (node:crypto produces high-S about half the time).
 */
export interface MeterSigner {
  readonly meterId: string;
  /** SEC1 uncompressed public point, hex (what the notified body registers). */
  readonly publicKeyHex: string;
  /** PKCS#8 PEM of the private key (what `DIR/keys/` holds for the simulated meters). */
  readonly privateKeyPem: string;
  /** Signs SHA-256(data) with ECDSA P-256; returns 64 bytes r ‖ s, low-S. */
  sign(data: Uint8Array): Uint8Array;
}

function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** Normalises an IEEE P1363 P-256 signature to low-S (s ↦ n − s when s > n/2). */
export function normaliseLowS(signature: Uint8Array): Uint8Array {
  const s = bytesToBigInt(signature.subarray(32, 64));
  if (s <= P256_HALF_ORDER) return signature;
  const out = new Uint8Array(64);
  out.set(signature.subarray(0, 32), 0);
  out.set(bigIntToBytes(P256_ORDER - s, 32), 32);
  return out;
}

function signerFromKeyObject(meterId: string, privateKey: KeyObject, publicKeyHex: string): MeterSigner {
  const privateKeyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  return {
    meterId,
    publicKeyHex,
    privateKeyPem,
    sign(data: Uint8Array): Uint8Array {
      const signature = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      return normaliseLowS(new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength));
    },
  };
}

/** A signer from a raw 32-byte private scalar (1 ≤ d < n). */
export function meterSignerFromScalar(meterId: string, scalar: Uint8Array): MeterSigner {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(scalar));
  const point = ecdh.getPublicKey();
  const privateKey = createPrivateKey({
    format: 'jwk',
    key: {
      kty: 'EC',
      crv: 'P-256',
      d: toBase64Url(scalar),
      x: toBase64Url(point.subarray(1, 33)),
      y: toBase64Url(point.subarray(33, 65)),
    },
  });
  return signerFromKeyObject(meterId, privateKey, point.toString('hex'));
}

/**
 * A meter key derived deterministically from a fleet seed, so a fleet can be regenerated
 * bit-for-bit (a real meter would generate its key inside the secure element instead).
 * The ECDSA nonce is still fresh per signature, so signature bytes differ between runs.
 */
export function deriveMeterSigner(seed: number | string, meterId: string): MeterSigner {
  for (let counter = 0; ; counter++) {
    const digest = createHash('sha256').update(`speedledger/meter-key/v1/${seed}/${meterId}/${counter}`).digest();
    const d = bytesToBigInt(digest);
    if (d !== 0n && d < P256_ORDER) return meterSignerFromScalar(meterId, digest);
  }
}

/** A signer from a PKCS#8 PEM private key (as stored in `DIR/keys/<meterId>.pem`). */
export function meterSignerFromPem(meterId: string, privateKeyPem: string): MeterSigner {
  const privateKey = createPrivateKey(privateKeyPem);
  const jwk = privateKey.export({ format: 'jwk' });
  if (jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new Error(`key of meter ${meterId} is not a P-256 key`);
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
  return signerFromKeyObject(meterId, privateKey, point.toString('hex'));
}
