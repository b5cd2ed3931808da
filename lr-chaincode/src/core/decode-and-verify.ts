import { decodeDlr1 } from './dlr1-decode.js';
import type { Dlr1Reading } from './dlr1-reading.js';
import type { MeterPublicKey } from './meter-public-key.js';
import type { Rejection } from './rejection.js';
import { verifyReadingSignature } from './signature.js';

/** An authentic reading, or why it is not one. */
export type AuthenticReadingResult =
  | { readonly ok: true; readonly reading: Dlr1Reading }
  | Rejection<'MALFORMED' | 'BAD_SIGNATURE'>;

/**
 * Decodes a DLR1 reading and checks its signature with `key`: the gate every reading passes
 * before any measurement. Never throws.
 */
export function decodeAndVerify(bytes: Uint8Array, key: MeterPublicKey): AuthenticReadingResult {
  const decoded = decodeDlr1(bytes);
  if (!decoded.ok) return decoded;
  const check = verifyReadingSignature(decoded.reading, key);
  if (!check.ok) return check;
  return decoded;
}
