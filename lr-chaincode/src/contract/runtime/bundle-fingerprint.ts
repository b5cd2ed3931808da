import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Fingerprint reported when the code does not run from the packaged bundle (tests, dev). */
export const UNBUNDLED_FINGERPRINT = 'unbundled';

// Replaced by `true` when scripts/package.mjs bundles the chaincode (esbuild `define`).
declare const __LR_BUNDLED__: boolean | undefined;

let cached: string | undefined;

/**
 * SHA-256 (hex) of the chaincode bundle file this code runs from: WELMEC 7.2 P2 software
 * identification computed by the running code itself, not declared. Only the packaged
 * CommonJS bundle knows it is one (`__LR_BUNDLED__`); there `__filename` is the bundle. Any
 * other way of running (tests, dist/) reports {@link UNBUNDLED_FINGERPRINT}, since some module
 * runners define `__filename` for ESM too. Read once: the file cannot change under a running
 * chaincode.
 */
export function bundleFingerprint(): string {
  if (cached !== undefined) return cached;
  const bundled = typeof __LR_BUNDLED__ !== 'undefined' && __LR_BUNDLED__ === true;
  cached = bundled ? createHash('sha256').update(readFileSync(__filename)).digest('hex') : UNBUNDLED_FINGERPRINT;
  return cached;
}
