import { parseMeterPublicKey, type MeterPublicKey, type Rejection } from '../core/index.js';

/** Parsed registered keys kept per chaincode process: a city's meters, with room to spare. */
export const METER_KEY_CACHE_LIMIT = 4096;

const cache = new Map<string, MeterPublicKey | Rejection<'MALFORMED'>>();

/**
 * {@link parseMeterPublicKey} memoised by the registered hex. Parsing a point into a KeyObject
 * is about a fifth of a reading's LR time and its result depends on the text alone, so every
 * endorser still computes the same verdict; the oldest entry goes when the cache is full.
 */
export function meterPublicKey(publicKeyHex: string): MeterPublicKey | Rejection<'MALFORMED'> {
  const known = cache.get(publicKeyHex);
  if (known !== undefined) return known;
  const parsed = parseMeterPublicKey(publicKeyHex);
  if (cache.size >= METER_KEY_CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(publicKeyHex, parsed);
  return parsed;
}

/** Entries currently cached (for tests and metrics). */
export function meterKeyCacheSize(): number {
  return cache.size;
}
