/**
 * Regulatory tolerance (Brazil, in service): 7 km/h up to 100 km/h, 7 % of the measured speed
 * above. Integer arithmetic in 0.01 km/h; the percentage is rounded UP so that rounding always
 * favours the driver.
 */
export function toleranceCentiKmh(measuredCentiKmh: number): number {
  if (measuredCentiKmh <= 10_000) return 700;
  return Math.ceil((measuredCentiKmh * 7) / 100);
}

/** Considered speed (measured − tolerance) and whether it exceeds the limit. */
export interface ViolationAssessment {
  readonly toleranceCentiKmh: number;
  readonly consideredCentiKmh: number;
  readonly limitCentiKmh: number;
  readonly violation: boolean;
}

/** Assesses a measured speed against a posted limit in km/h. */
export function assessViolation(measuredCentiKmh: number, speedLimitKmh: number): ViolationAssessment {
  const tolerance = toleranceCentiKmh(measuredCentiKmh);
  const considered = measuredCentiKmh - tolerance;
  const limit = speedLimitKmh * 100;
  return { toleranceCentiKmh: tolerance, consideredCentiKmh: considered, limitCentiKmh: limit, violation: considered > limit };
}
