/**
 * A São Paulo weekday on one lane: relative traffic per local hour (0 = 00:00–01:00), with
 * the morning (07–09) and evening (17–19) peaks of the city's commute. Scaled so the busiest
 * hour runs at {@link PEAK_RATE_PER_S} vehicles per second per meter.
 */
export const HOURLY_WEIGHTS: readonly number[] = [
  0.9, 0.6, 0.45, 0.4, 0.6, 1.6, 4.0, 7.1, 7.6, 6.2, 5.0, 4.7, 4.8, 4.8, 4.7, 5.0, 5.7, 7.0, 7.5, 6.3, 4.7, 3.6, 2.6, 1.6,
];

/** Vehicles per second per meter in the peak hour. */
export const PEAK_RATE_PER_S = 0.76;

export const SECONDS_PER_DAY = 86_400;

const MAX_WEIGHT = Math.max(...HOURLY_WEIGHTS);

/** Local hour (0..23) of a time in seconds since local midnight (periodic over days). */
export function hourOf(secondOfDay: number): number {
  const s = ((secondOfDay % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY;
  return Math.min(23, Math.floor(s / 3600));
}

/** Expected arrivals per second per meter at `secondOfDay` (local time). */
export function arrivalRateAt(secondOfDay: number): number {
  return (PEAK_RATE_PER_S * HOURLY_WEIGHTS[hourOf(secondOfDay)]!) / MAX_WEIGHT;
}

/** How busy the road is relative to the peak, in [0, 1]: drives congestion speeds. */
export function congestionAt(secondOfDay: number): number {
  return HOURLY_WEIGHTS[hourOf(secondOfDay)]! / MAX_WEIGHT;
}

/** Expected vehicles per meter per day (≈ 35,000). */
export function expectedDailyVolume(): number {
  let total = 0;
  for (let h = 0; h < 24; h++) total += arrivalRateAt(h * 3600 + 1) * 3600;
  return total;
}
