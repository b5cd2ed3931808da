import { verify } from 'node:crypto';
import type { Dlr1Reading } from './dlr1-reading.js';
import type { MeterPublicKey } from './meter-public-key.js';
import { P256_HALF_ORDER, P256_ORDER, bytesToBigInt } from './p256.js';
import { reject, type Rejection } from './rejection.js';

/** Outcome of a signature check: valid, or `BAD_SIGNATURE` with the reason. */
export type SignatureCheck = { readonly ok: true } | Rejection<'BAD_SIGNATURE'>;

/**
 * Checks an ECDSA P-256 signature (r ‖ s, 64 bytes, low-S) over SHA-256 of `data`.
 * High-S signatures are refused: they are valid ECDSA but malleable, and the spec forbids them
 * so that one reading has exactly one byte representation on the ledger.
 */
export function verifyP256(data: Uint8Array, signature: Uint8Array, key: MeterPublicKey): SignatureCheck {
  if (signature.length !== 64) return reject('BAD_SIGNATURE', `signature is ${signature.length} bytes, expected 64 (r ‖ s)`);
  const r = bytesToBigInt(signature.subarray(0, 32));
  const s = bytesToBigInt(signature.subarray(32, 64));
  if (r === 0n || r >= P256_ORDER || s === 0n || s >= P256_ORDER) {
    return reject('BAD_SIGNATURE', 'signature r or s outside [1, n-1]');
  }
  if (s > P256_HALF_ORDER) return reject('BAD_SIGNATURE', 'signature is high-S; DLR1 requires low-S');
  let valid: boolean;
  try {
    valid = verify('sha256', data, { key: key.keyObject, dsaEncoding: 'ieee-p1363' }, signature);
  } catch (error) {
    return reject('BAD_SIGNATURE', `signature could not be checked: ${(error as Error).message}`);
  }
  return valid ? { ok: true } : reject('BAD_SIGNATURE', 'signature does not verify under the meter key');
}

/** Checks a decoded reading's signature against the meter's registered key. */
export function verifyReadingSignature(reading: Dlr1Reading, key: MeterPublicKey): SignatureCheck {
  return verifyP256(reading.signedBytes, reading.signature, key);
}
