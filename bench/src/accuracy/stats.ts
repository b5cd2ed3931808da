/** Speed bands of the accuracy table, km/h (lower bound inclusive). */
export const SPEED_BANDS: readonly [number, number][] = [
  [10, 30],
  [30, 60],
  [60, 100],
  [100, 150],
  [150, 250],
];

/** Label of the band holding `kmh`, or "outside" when it is in none. */
export function bandOf(kmh: number): string {
  for (const [lo, hi] of SPEED_BANDS) if (kmh >= lo && kmh < hi) return `${lo}–${hi}`;
  return kmh >= 250 && kmh <= 250.0001 ? '150–250' : 'outside';
}

/** Error in the unit the bar uses: km/h up to 100 km/h, percent above. */
export function barError(measuredKmh: number, referenceKmh: number): { value: number; unit: 'km/h' | '%' } {
  const e = measuredKmh - referenceKmh;
  return referenceKmh <= 100 ? { value: e, unit: 'km/h' } : { value: (100 * e) / referenceKmh, unit: '%' };
}

/** Permissible error of the project bar: ±3 km/h up to 100 km/h, ±3 % above. */
export function withinBar(measuredKmh: number, referenceKmh: number): boolean {
  return Math.abs(barError(measuredKmh, referenceKmh).value) <= 3;
}

/** The q-quantile (0..1) of absolute values, nearest-rank. */
export function absQuantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = values.map(Math.abs).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** Error statistics of a group. */
export interface ErrorGroup {
  errors: number[];
  passes: number;
  accepted: number;
}

export function emptyGroup(): ErrorGroup {
  return { errors: [], passes: 0, accepted: 0 };
}
