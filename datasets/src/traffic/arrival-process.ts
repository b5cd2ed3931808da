import type { Rng } from '../random/rng.js';
import { arrivalRateAt } from './day-profile.js';

/** No two fronts cross a meter closer than this, seconds (≈ 8 m at 50 km/h). */
export const MIN_HEADWAY_S = 0.6;

/** Share of vehicles that follow the one ahead in a platoon (traffic-light release). */
const PLATOON_SHARE = 0.45;
/** Mean extra headway inside a platoon beyond the minimum, seconds. */
const PLATOON_EXTRA_S = 0.35;

/**
 * Arrivals of vehicle fronts at one meter: a non-homogeneous renewal process whose headways
 * are the minimum plus a mixture — short (a platoon released by a signal upstream) or long
 * (the gap between platoons) — with the mixture's mean matched to the local rate of the day
 * profile, so the expected volume per hour follows the profile while headways stay ≥ min.
 */
export class ArrivalProcess {
  private t: number;

  /** `startS`: seconds since local midnight of the first day; arrivals come strictly after it. */
  constructor(
    private readonly rng: Rng,
    startS: number,
  ) {
    this.t = startS;
  }

  /** The next arrival time, seconds since local midnight of the first day. */
  next(): number {
    const meanHeadway = 1 / arrivalRateAt(this.t);
    const platoonMean = MIN_HEADWAY_S + PLATOON_EXTRA_S;
    let share = PLATOON_SHARE;
    // Mean of the long gaps so that the mixture's mean is the local mean headway.
    let gapMean = (meanHeadway - share * platoonMean) / (1 - share) - MIN_HEADWAY_S;
    if (gapMean < PLATOON_EXTRA_S) {
      share = 0;
      gapMean = Math.max(0.05, meanHeadway - MIN_HEADWAY_S);
    }
    const extraMean = this.rng.chance(share) ? PLATOON_EXTRA_S : gapMean;
    this.t += MIN_HEADWAY_S - extraMean * Math.log(1 - this.rng.next());
    return this.t;
  }
}
