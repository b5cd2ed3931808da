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

/** The core speed algorithm new records are computed with (`dlr1-speed/1.2.0`). */
export const LR_SPEED_ALGORITHM: SpeedAlgorithm = LR_SPEED_ALGORITHMS.get(LR_ALGORITHM_VERSION)!;

/** The algorithm that computed a record of `version`, or undefined when this software has none. */
export function speedAlgorithmFor(version: string): SpeedAlgorithm | undefined {
  return LR_SPEED_ALGORITHMS.get(version);
}
