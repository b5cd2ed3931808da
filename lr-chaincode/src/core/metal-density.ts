import { median } from './baseline.js';

/**
 * Reconstructs the metal density along the vehicle from one loop's residual. A loop integrates
 * the density over its length L, so the signal's slope is density entering minus density
 * leaving: r'(t) = ρ(t) − ρ(t − Δ), Δ = L / (metres per sample). Hence ρ(t) = r'(t) + ρ(t − Δ),
 * with ρ = 0 before the front arrives. The result is the density smoothed by the loop's edge
 * fringe, in counts per sample; where two vehicles leave air between them it falls to about 0,
 * where a bus's chassis sits high between its axle groups it stays at the floor level.
 * The slope is taken over ±`slopeHalfWidth` samples (a fixed length of travel), and `from` must
 * lie before the vehicle's front reaches the loop's fringe, or the missing front ramp would
 * echo one loop length behind. Pure, fixed order (one pass forward in time, linear interpolation).
 */
export function reconstructDensity(r: Float64Array, from: number, to: number, delaySamples: number, slopeHalfWidth: number): Float64Array {
  const n = to - from + 1;
  const rho = new Float64Array(n);
  const h = slopeHalfWidth < 1 ? 1 : Math.round(slopeHalfWidth);
  for (let k = 0; k < n; k++) {
    const i = from + k;
    // Slope over ±h samples: the noise of a one-sample difference would add up along the recursion.
    const slope = i - h >= 0 && i + h < r.length ? (r[i + h]! - r[i - h]!) / (2 * h) : 0;
    const back = k - delaySamples;
    let earlier = 0;
    if (back >= 0) {
      const j = Math.floor(back);
      const w = back - j;
      earlier = j + 1 < n ? rho[j]! + w * (rho[j + 1]! - rho[j]!) : rho[j]!;
    }
    rho[k] = slope + earlier;
  }
  return rho;
}

/** A stretch where the reconstructed density falls toward zero inside the vehicle. */
export interface DensityGap {
  /** Metres behind the front reference of the lowest point. */
  readonly atM: number;
  /** Lowest density as a fraction of the body's median density. */
  readonly fraction: number;
}

/**
 * Finds the gaps of a density profile: local minima below `fraction` × the median density of
 * the interior (at least `marginM` from either end), one per dip, in order from the front.
 * `metresPerSample` converts sample offsets to metres behind `frontIndex`. Also returns the
 * interior's lowest density as a fraction of the median.
 */
export function findDensityGaps(
  rho: Float64Array,
  frontIndex: number,
  rearIndex: number,
  metresPerSample: number,
  marginM: number,
  fraction: number,
): { gaps: DensityGap[]; medianDensity: number; minFraction: number } {
  const margin = Math.ceil(marginM / metresPerSample);
  const lo = Math.max(0, Math.floor(frontIndex) + margin);
  const hi = Math.min(rho.length - 1, Math.ceil(rearIndex) - margin);
  const body = rho.subarray(Math.max(0, Math.floor(frontIndex)), Math.min(rho.length, Math.ceil(rearIndex) + 1));
  const medianDensity = body.length > 0 ? median(body) : 0;
  const gaps: DensityGap[] = [];
  if (!(medianDensity > 0) || hi <= lo) return { gaps, medianDensity, minFraction: 1 };
  const level = fraction * medianDensity;
  let minimum = Infinity;
  let k = lo;
  while (k <= hi) {
    if (rho[k]! < minimum) minimum = rho[k]!;
    if (rho[k]! >= level) {
      k++;
      continue;
    }
    // Hysteresis: a gap ends only when the density is back above twice the gap level, so noise
    // around the level does not cut one gap into many.
    let lowest = k;
    while (k <= hi && rho[k]! < 2 * level) {
      if (rho[k]! < rho[lowest]!) lowest = k;
      if (rho[k]! < minimum) minimum = rho[k]!;
      k++;
    }
    gaps.push({ atM: (lowest - frontIndex) * metresPerSample, fraction: rho[lowest]! / medianDensity });
  }
  return { gaps, medianDensity, minFraction: minimum / medianDensity };
}

/** Median density of rho between two sample offsets (clamped), or 0 when empty. */
export function medianDensityBetween(rho: Float64Array, from: number, to: number): number {
  const lo = Math.max(0, Math.floor(from));
  const hi = Math.min(rho.length, Math.ceil(to));
  return hi > lo ? median(rho.subarray(lo, hi)) : 0;
}
