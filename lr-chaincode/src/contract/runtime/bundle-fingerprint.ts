import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Fingerprint reported when the code does not run from the packaged bundle (tests, dev). */
export const UNBUNDLED_FINGERPRINT = 'unbundled';

let cached: string | undefined;

/**
 * SHA-256 (hex) of the chaincode bundle file this code runs from: WELMEC 7.2 P2 software
 * identification computed by the running code itself, not declared. In the packaged CommonJS
 * bundle `__filename` is that file; under ESM (tests) it does not exist and the fingerprint is
 * {@link UNBUNDLED_FINGERPRINT}. Read once: the file cannot change under a running chaincode.
 */
export function bundleFingerprint(): string {
  if (cached !== undefined) return cached;
  const file = typeof __filename === 'string' ? __filename : undefined;
  cached = file ? createHash('sha256').update(readFileSync(file)).digest('hex') : UNBUNDLED_FINGERPRINT;
  return cached;
}
