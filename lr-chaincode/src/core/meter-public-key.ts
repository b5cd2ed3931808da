import { createPublicKey, type KeyObject } from 'node:crypto';
import { reject, type Rejection } from './rejection.js';

// DER SubjectPublicKeyInfo prefixes for id-ecPublicKey / prime256v1, followed by the SEC1 point.
const SPKI_PREFIX_UNCOMPRESSED = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
const SPKI_PREFIX_COMPRESSED = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');

/** A meter's registered P-256 public key, parsed once and reusable for many verifications. */
export interface MeterPublicKey {
  /** Normalised lower-case hex of the SEC1 point as registered. */
  readonly hex: string;
  readonly keyObject: KeyObject;
}

const HEX_PATTERN = /^(?:[0-9a-fA-F]{2})+$/;

/**
 * Parses a SEC1 P-256 point given as hex (33 bytes compressed or 65 uncompressed). Returns a
 * `MALFORMED` rejection, never throws, when the text is not hex or not a point on the curve.
 */
export function parseMeterPublicKey(publicKeyHex: string): MeterPublicKey | Rejection<'MALFORMED'> {
  if (typeof publicKeyHex !== 'string' || !HEX_PATTERN.test(publicKeyHex)) {
    return reject('MALFORMED', 'public key is not hex');
  }
  const point = Buffer.from(publicKeyHex, 'hex');
  let prefix: Buffer;
  if (point.length === 65 && point[0] === 0x04) prefix = SPKI_PREFIX_UNCOMPRESSED;
  else if (point.length === 33 && (point[0] === 0x02 || point[0] === 0x03)) prefix = SPKI_PREFIX_COMPRESSED;
  else return reject('MALFORMED', `public key is ${point.length} bytes with prefix ${point[0]}; expected a SEC1 P-256 point (33 or 65 bytes)`);
  try {
    const keyObject = createPublicKey({ key: Buffer.concat([prefix, point]), format: 'der', type: 'spki' });
    return { hex: publicKeyHex.toLowerCase(), keyObject };
  } catch (error) {
    return reject('MALFORMED', `public key is not a point on P-256: ${(error as Error).message}`);
  }
}
