import type { Rng } from '../random/rng.js';

/** The hidden physical truth of one loop: never registered, never in a reading. */
export interface LoopPhysics {
  /** True loop length along the lane, metres. */
  readonly lengthM: number;
  /** Detector gain relative to nominal (±15 %). */
  readonly gain: number;
  /** How far sensitivity reaches beyond each loop edge (smooth fall-off), metres. */
  readonly fringeM: number;
  /** Empty-road count. */
  readonly baseline: number;
  /** Standard deviation of the white noise, counts. */
  readonly noiseSigma: number;
}

/**
 * The hidden physical truth of one dual-loop site: the surveyed geometry (of which only the
 * millimetre-rounded spacing and loop length are registered) and the detectors' behaviour.
 */
export interface SitePhysics {
  /** Leading edge of A to leading edge of B, metres (true, not rounded). */
  readonly spacingM: number;
  readonly loopA: LoopPhysics;
  readonly loopB: LoopPhysics;
  /** Bound of the slow baseline drift, counts per second (temperature, moisture). */
  readonly maxDriftPerS: number;
}

/** Nominal installation: the figures in the DLR1 spec. */
export const NOMINAL_SPACING_M = 3.6;
export const NOMINAL_LOOP_LENGTH_M = 1.8;

function sampleLoop(rng: Rng, lengthM: number): LoopPhysics {
  return {
    lengthM: lengthM + rng.uniform(-0.01, 0.01),
    gain: rng.uniform(0.85, 1.15),
    fringeM: rng.uniform(0.2, 0.5),
    baseline: rng.uniform(20_000, 40_000),
    noiseSigma: rng.uniform(3, 12),
  };
}

/** Draws a site as installed: spacing within ±4 cm, loop length within ±3 cm of nominal. */
export function sampleSitePhysics(rng: Rng): SitePhysics {
  const spacingM = NOMINAL_SPACING_M + rng.uniform(-0.04, 0.04);
  const lengthM = NOMINAL_LOOP_LENGTH_M + rng.uniform(-0.03, 0.03);
  return {
    spacingM,
    loopA: sampleLoop(rng, lengthM),
    loopB: sampleLoop(rng, lengthM),
    maxDriftPerS: rng.uniform(0.5, 4),
  };
}
