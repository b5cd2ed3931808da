import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { derInteger, derSequence, readDerElements } from './der.js';

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

const N_BYTES = toFixed(P256_N);
const HALF_N_BYTES = toFixed(HALF_N);

/** A minimal, non-negative DER INTEGER's content as 32 big-endian bytes; undefined if ≥ 2²⁵⁶. */
function scalarBytes(content: Uint8Array): Uint8Array | undefined {
  if (content.byteLength === 0 || (content[0]! & 0x80) !== 0) return undefined;
  if (content.byteLength > 1 && content[0] === 0 && (content[1]! & 0x80) === 0) return undefined;
  const value = content.byteLength > 1 && content[0] === 0 ? content.subarray(1) : content;
  return value.byteLength <= 32 ? value : undefined;
}

/**
 * The signature as r‖s (64 bytes) if it is well formed with 0 < r < n and 0 < s ≤ n/2 (low-S).
 * Works on bytes: the range checks are big-endian comparisons, no big integers (this runs for
 * every envelope and every protocol message).
 */
function lowSRawSignature(signature: Uint8Array, encoding: SignatureEncoding): Buffer | undefined {
  const raw = Buffer.alloc(64);
  if (encoding === 'compact') {
    if (signature.byteLength !== 64) return undefined;
    raw.set(signature);
  } else {
    const outer = readDerElements(signature);
    if (outer?.length !== 1 || outer[0]!.tag !== 0x30) return undefined;
    const inner = readDerElements(outer[0]!.content);
    if (inner?.length !== 2 || inner[0]!.tag !== 0x02 || inner[1]!.tag !== 0x02) return undefined;
    const r = scalarBytes(inner[0]!.content);
    const s = scalarBytes(inner[1]!.content);
    if (r === undefined || s === undefined) return undefined;
    raw.set(r, 32 - r.byteLength);
    raw.set(s, 64 - s.byteLength);
  }
  const r = raw.subarray(0, 32);
  const s = raw.subarray(32);
  const zero = (bytes: Buffer): boolean => bytes.every((b) => b === 0);
  if (zero(r) || r.compare(N_BYTES) >= 0 || zero(s) || s.compare(HALF_N_BYTES) > 0) return undefined;
  return raw;
}

/** Verifies a P-256 / SHA-256 signature; high-S or malformed signatures are rejected, never thrown. */
export function verifyP256(publicKey: KeyObject, data: Uint8Array, signature: Uint8Array, encoding: SignatureEncoding): boolean {
  const raw = lowSRawSignature(signature, encoding);
  if (raw === undefined) return false;
  try {
    return verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw);
  } catch {
    return false;
  }
}
