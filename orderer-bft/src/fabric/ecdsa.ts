import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { derInteger, derIntegerValue, derSequence, readDerElements } from './der.js';

/** Order of the P-256 group. */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const HALF_N = P256_N >> 1n;

/** How an ECDSA signature is laid out: DER (Fabric, X.509) or r‖s (compact, 64 bytes). */
export type SignatureEncoding = 'der' | 'compact';

/** A P-256 private key from PEM (PKCS#8 or SEC1), or an already loaded key. */
export function loadPrivateKey(key: string | KeyObject): KeyObject {
  const object = typeof key === 'string' ? createPrivateKey(key) : key;
  if (object.asymmetricKeyType !== 'ec' || object.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TypeError('expected a P-256 private key');
  }
  return object;
}

/** A P-256 public key from a certificate PEM, a public key PEM, or a key object. */
export function loadPublicKey(key: string | KeyObject): KeyObject {
  const object = typeof key === 'string' ? createPublicKey(key) : key;
  if (object.asymmetricKeyType !== 'ec' || object.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TypeError('expected a P-256 public key');
  }
  return object;
}

function toFixed(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
}

/**
 * ECDSA P-256 / SHA-256 with s forced into the lower half of the group order: Fabric's BCCSP
 * rejects high-S signatures (malleability), so every signature we emit must be low-S.
 */
export function signP256(privateKey: KeyObject, data: Uint8Array, encoding: SignatureEncoding): Uint8Array {
  const raw = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  const r = BigInt(`0x${raw.subarray(0, 32).toString('hex')}`);
  let s = BigInt(`0x${raw.subarray(32).toString('hex')}`);
  if (s > HALF_N) s = P256_N - s;
  if (encoding === 'compact') return new Uint8Array(Buffer.concat([toFixed(r), toFixed(s)]));
  return derSequence([derInteger(r), derInteger(s)]);
}

function parseSignature(signature: Uint8Array, encoding: SignatureEncoding): { r: bigint; s: bigint } | undefined {
  if (encoding === 'compact') {
    if (signature.byteLength !== 64) return undefined;
    const hex = Buffer.from(signature).toString('hex');
    return { r: BigInt(`0x${hex.slice(0, 64)}`), s: BigInt(`0x${hex.slice(64)}`) };
  }
  const outer = readDerElements(signature);
  if (outer?.length !== 1 || outer[0]!.tag !== 0x30) return undefined;
  const inner = readDerElements(outer[0]!.content);
  if (inner?.length !== 2 || inner[0]!.tag !== 0x02 || inner[1]!.tag !== 0x02) return undefined;
  const r = derIntegerValue(inner[0]!.content);
  const s = derIntegerValue(inner[1]!.content);
  return r === undefined || s === undefined ? undefined : { r, s };
}

/** Verifies a P-256 / SHA-256 signature; high-S or malformed signatures are rejected, never thrown. */
export function verifyP256(publicKey: KeyObject, data: Uint8Array, signature: Uint8Array, encoding: SignatureEncoding): boolean {
  const parsed = parseSignature(signature, encoding);
  if (parsed === undefined) return false;
  const { r, s } = parsed;
  if (r <= 0n || r >= P256_N || s <= 0n || s > HALF_N) return false;
  try {
    return verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.concat([toFixed(r), toFixed(s)]));
  } catch {
    return false;
  }
}
