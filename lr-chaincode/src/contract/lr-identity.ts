import { bundleFingerprint } from './runtime/bundle-fingerprint.js';

/** Name and version of the LR software; the version follows the package's. */
export const LR_SOFTWARE_NAME = 'speedledger-lr-chaincode';
export const LR_SOFTWARE_VERSION = '0.1.0';

/** The LR identity written into every measurement record (WELMEC 7.2 P2). */
export interface LrIdentity {
  readonly name: string;
  readonly version: string;
  readonly algorithmVersion: string;
  /** SHA-256 hex of the running chaincode bundle, or `unbundled`. */
  readonly fingerprint: string;
}

/** The identity of the running LR software with the given algorithm version. */
export function currentLrIdentity(algorithmVersion: string): LrIdentity {
  return { name: LR_SOFTWARE_NAME, version: LR_SOFTWARE_VERSION, algorithmVersion, fingerprint: bundleFingerprint() };
}
