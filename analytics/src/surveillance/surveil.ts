import { attempts } from './attempt-detectors.js';
import { clockDrift, DEFAULT_THRESHOLDS, invalidationRate, sequenceGaps, speedBias, type SurveillanceThresholds } from './meter-detectors.js';
import type { IngestRefusal, InvalidTransaction, ReadingObservation } from './observations.js';
import type { SurveillanceFinding } from './surveillance-finding.js';

/** Everything surveillance looks at. */
export interface SurveillanceInput {
  readonly observations: readonly ReadingObservation[];
  readonly invalid?: readonly InvalidTransaction[];
  readonly refusals?: readonly IngestRefusal[];
}

/** Runs every detector (pure: same input, same findings, same order). */
export function surveil(input: SurveillanceInput, thresholds: SurveillanceThresholds = DEFAULT_THRESHOLDS): SurveillanceFinding[] {
  return [
    ...speedBias(input.observations, thresholds),
    ...invalidationRate(input.observations, thresholds),
    ...clockDrift(input.observations, thresholds),
    ...sequenceGaps(input.observations),
    ...attempts(input.invalid ?? [], input.refusals ?? []),
  ];
}
