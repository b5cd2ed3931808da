/**
 * What makes counts into a speed at one site. Metrologically protected: registered on the
 * ledger by the notified body with the meter's key, never taken from the reading.
 */
export interface SiteParameters {
  /** Leading edge of loop A to leading edge of loop B, millimetres (typically 3600). */
  readonly spacingMm: number;
  /** Loop length along the lane, millimetres (typically 1800). */
  readonly loopLengthMm: number;
  /** The sample rate the meter was approved with; a reading at another rate is rejected. */
  readonly sampleRateHz: number;
  /** Posted speed limit, km/h. */
  readonly speedLimitKmh: number;
  /** Free text: where the meter is. */
  readonly location: string;
}

/** Checks a site's parameters; returns a list of problems (empty when valid). */
export function siteParameterProblems(site: unknown): string[] {
  const problems: string[] = [];
  if (typeof site !== 'object' || site === null) return ['site is not an object'];
  const s = site as Record<string, unknown>;
  const positiveInt = (name: string, min: number, max: number): void => {
    const v = s[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      problems.push(`${name} must be an integer in ${min}..${max}`);
    }
  };
  positiveInt('spacingMm', 500, 50_000);
  positiveInt('loopLengthMm', 100, 10_000);
  positiveInt('sampleRateHz', 100, 20_000);
  positiveInt('speedLimitKmh', 5, 300);
  if (typeof s.location !== 'string' || s.location.length > 256) problems.push('location must be a string of at most 256 characters');
  return problems;
}
