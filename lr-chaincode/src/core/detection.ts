import type { LoopResidual } from './baseline.js';
import { MEASUREMENT_TUNING as T } from './measurement-tuning.js';

/** One stretch of a loop's signal where something metal was over it. */
export interface OccupancySegment {
  /** First and last sample at or above the "off" level (hysteresis bounds). */
  readonly on: number;
  readonly off: number;
  /** First and last sample above the foot level: where the signal leaves the baseline. */
  readonly footOn: number;
  readonly footOff: number;
  /** Largest residual in the segment and where it is. */
  readonly peak: number;
  readonly peakIndex: number;
}

/** What one loop saw. */
export interface LoopDetection {
  /** Largest smoothed residual in the window. */
  readonly peak: number;
  /** True when the peak stands clear of the noise. */
  readonly present: boolean;
  readonly segments: readonly OccupancySegment[];
  /** A bump outside every segment too big to be noise but under the "on" level, if any. */
  readonly stray: { readonly index: number; readonly level: number } | null;
}

/**
 * Finds occupancy on one loop by hysteresis on the smoothed residual. Thresholds are the larger
 * of a noise multiple and a fraction of the loop's own peak, so a weak motorcycle and a strong
 * truck are cut at the same relative height, and a trailer's coupling dip (which physics keeps
 * well above baseline) does not split a vehicle while a real gap between two vehicles does.
 */
export function detectOccupancy(loop: LoopResidual): LoopDetection {
  const r = loop.residual;
  const n = r.length;
  const sigma = loop.sigma;
  let peak = -Infinity;
  for (let i = 0; i < n; i++) if (r[i]! > peak) peak = r[i]!;
  const present = peak >= T.presenceSigmas * sigma;
  if (!present) return { peak, present, segments: [], stray: null };

  const on = Math.max(T.onSigmas * sigma, T.onFraction * peak);
  const off = Math.max(T.offSigmas * sigma, T.offFraction * peak);
  const foot = Math.max(T.footSigmas * sigma, T.footFraction * peak);

  const raw: { on: number; off: number }[] = [];
  let i = 0;
  while (i < n) {
    if (r[i]! < on) {
      i++;
      continue;
    }
    let start = i;
    while (start > 0 && r[start - 1]! >= off) start--;
    let end = i;
    while (end + 1 < n && r[end + 1]! >= off) end++;
    const last = raw[raw.length - 1];
    // A start inside the previous segment means the signal never fell below "off": same segment.
    if (last && start <= last.off + 1) last.off = Math.max(last.off, end);
    else raw.push({ on: start, off: end });
    i = end + 1;
  }

  const segments: OccupancySegment[] = raw.map(({ on: s, off: e }) => {
    let footOn = s;
    while (footOn > 0 && r[footOn - 1]! > foot) footOn--;
    let footOff = e;
    while (footOff + 1 < n && r[footOff + 1]! > foot) footOff++;
    let p = -Infinity;
    let pi = s;
    for (let k = s; k <= e; k++) {
      if (r[k]! > p) {
        p = r[k]!;
        pi = k;
      }
    }
    return { on: s, off: e, footOn, footOff, peak: p, peakIndex: pi };
  });

  const strayLevel = Math.max(T.straySigmas * sigma, T.strayFraction * peak);
  let stray: LoopDetection['stray'] = null;
  let seg = 0;
  for (let k = 0; k < n; k++) {
    while (seg < segments.length && k > segments[seg]!.footOff) seg++;
    const current = segments[seg];
    if (current && k >= current.footOn) {
      // Every sample up to this segment's foot-off is inside it: skip them at once.
      k = current.footOff;
      continue;
    }
    if (r[k]! >= strayLevel && (stray === null || r[k]! > stray.level)) stray = { index: k, level: r[k]! };
  }
  return { peak, present, segments, stray };
}
