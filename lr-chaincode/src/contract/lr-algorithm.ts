import { LR_ALGORITHM_VERSION, measureSpeed } from '../core/index.js';
import type { SpeedAlgorithm } from './speed-algorithm.js';

/** The core speed algorithm, as every LR contract runs it. */
export const LR_SPEED_ALGORITHM: SpeedAlgorithm = { version: LR_ALGORITHM_VERSION, measure: measureSpeed };
