import { LR_ALGORITHM_V1_1_0, LR_ALGORITHM_V1_2_0, LR_ALGORITHM_VERSION, measureSpeed, type LrAlgorithmVersion } from '../core/index.js';
import type { SpeedAlgorithm } from './speed-algorithm.js';

function algorithm(version: LrAlgorithmVersion): SpeedAlgorithm {
  return { version, measure: (signal, site) => measureSpeed(signal, site, version) };
}

/**
 * Every algorithm version this chaincode can execute. Old versions stay so a record can be
 * re-executed with the algorithm named in it (`lr.algorithmVersion`), never with a newer one.
 */
export const LR_SPEED_ALGORITHMS: ReadonlyMap<string, SpeedAlgorithm> = new Map([
  [LR_ALGORITHM_V1_1_0, algorithm(LR_ALGORITHM_V1_1_0)],
  [LR_ALGORITHM_V1_2_0, algorithm(LR_ALGORITHM_V1_2_0)],
]);

// Replaced by a version string when scripts/package.mjs is run with --default-algorithm (esbuild
// `define`): a package built that way is its own approved artefact, with its own fingerprint.
declare const __LR_DEFAULT_ALGORITHM__: string | undefined;
declare const __LR_BUNDLED__: boolean | undefined;

function packagedDefault(): string {
  // Only a bundle can carry the define; sources, dist/ and tests always use the newest version.
  if (typeof __LR_BUNDLED__ === 'undefined' || __LR_BUNDLED__ !== true) return LR_ALGORITHM_VERSION;
  return typeof __LR_DEFAULT_ALGORITHM__ === 'string' ? __LR_DEFAULT_ALGORITHM__ : LR_ALGORITHM_VERSION;
}

const defaultVersion = packagedDefault();
const defaultAlgorithm = LR_SPEED_ALGORITHMS.get(defaultVersion);
// package.mjs refuses an unknown version; this guards a bundle built some other way.
if (defaultAlgorithm === undefined) throw new Error(`this chaincode was built with unknown default algorithm ${JSON.stringify(defaultVersion)}`);

/**
 * The core speed algorithm new records are computed with: `dlr1-speed/1.2.0`, unless the
 * package was built with `--default-algorithm` (e.g. the 1.1.0 package a network upgrades from).
 */
export const LR_SPEED_ALGORITHM: SpeedAlgorithm = defaultAlgorithm;

/** The algorithm that computed a record of `version`, or undefined when this software has none. */
export function speedAlgorithmFor(version: string): SpeedAlgorithm | undefined {
  return LR_SPEED_ALGORITHMS.get(version);
}
