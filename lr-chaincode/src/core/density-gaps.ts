import { median, smooth } from './baseline.js';
import { PROFILE_TUNING as P } from './measurement-tuning.js';
import type { VehicleDensity } from './vehicle-density.js';

/** A stretch where both loops' density falls toward zero at the same point of the vehicle. */
export interface CommonGap {
  /** Distance (m) behind the start of the body of the gap's lowest point. */
  readonly atM: number;
  /** The larger (over the two loops) of density / lower neighbouring body level there. */
  readonly ratio: number;
  /** The larger (over the two loops) of density / the body's median density there. */
  readonly ofMedian: number;
}

/** What the density profiles say about how many bodies passed. */
export interface BodyGaps {
  readonly gaps: CommonGap[];
  /** Length (m) of the body: first to last grid point above the body level on either loop. */
  readonly lengthM: number;
  /** Lowest density of the body over its median, the lower of the two loops (trust check). */
  readonly minFraction: number;
  /** Median density of each piece between gaps, per loop: A first, front piece first. */
  readonly pieceMediansA: number[];
  readonly pieceMediansB: number[];
  /** Lengths (m) of the pieces between the body's ends and the gaps, front first. */
  readonly pieces: number[];
}

interface LoopGapProfile {
  /** Per grid point: min over ±tolerance of density / lower neighbouring body level. */
  readonly ratio: Float64Array;
  /** Per grid point: min over ±tolerance of density / the body's median. */
  readonly ofMedian: Float64Array;
  readonly first: number;
  readonly last: number;
  readonly medianDensity: number;
  readonly density: Float64Array;
}

/**
 * Extremum of `v` over [k − behind, k + ahead] (clamped) for every k: a monotonic queue (`queue`,
 * scratch of at least v.length, its contents ignored), O(n),
 * exact (only comparisons), so the same on every machine as the naive double loop.
 */
function windowExtremum(v: Float64Array, behind: number, ahead: number, max: boolean, queue: Int32Array): Float64Array {
  const n = v.length;
  const out = new Float64Array(n);
  let head = 0;
  let tail = 0;
  let next = 0;
  for (let k = 0; k < n; k++) {
    const hi = k + ahead < n - 1 ? k + ahead : n - 1;
    while (next <= hi) {
      const x = v[next]!;
      while (tail > head && (max ? v[queue[tail - 1]!]! <= x : v[queue[tail - 1]!]! >= x)) tail--;
      queue[tail++] = next++;
    }
    while (queue[head]! < k - behind) head++;
    out[k] = v[queue[head]!]!;
  }
  return out;
}

function loopProfile(raw: Float64Array, stepM: number, span: readonly [number, number]): LoopGapProfile | null {
  const d = smooth(raw, 2 * Math.max(1, Math.round(P.gapSmoothHalfM / stepM)) + 1);
  const n = d.length;
  let peak = 0;
  for (let k = span[0]; k <= span[1]; k++) if (d[k]! > peak) peak = d[k]!;
  if (!(peak > 0)) return null;
  const bodyLevel = P.bodyFraction * peak;
  let first = -1;
  let last = -1;
  for (let k = span[0]; k <= span[1]; k++) {
    if (d[k]! > bodyLevel) {
      if (first < 0) first = k;
      last = k;
    }
  }
  if (first < 0) return null;
  const medianDensity = median(d.subarray(first, last + 1));
  if (!(medianDensity > 0)) return null;
  // Highest density within the shoulder reach behind (left) and ahead (right) of each point.
  const w = Math.max(1, Math.round(P.gapShoulderM / stepM));
  // One index queue for every window pass (each starts it empty).
  const queue = new Int32Array(n);
  const leftMax = windowExtremum(d, w, 0, true, queue);
  const rightMax = windowExtremum(d, 0, w, true, queue);
  const ratio = new Float64Array(n);
  const ofMedian = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const shoulder = leftMax[k]! < rightMax[k]! ? leftMax[k]! : rightMax[k]!;
    const level = d[k]! > 0 ? d[k]! : 0;
    ratio[k] = shoulder >= bodyLevel ? level / shoulder : 1;
    ofMedian[k] = d[k]! / medianDensity;
  }
  const t = Math.round(P.gapAgreementM / stepM);
  return { ratio: windowExtremum(ratio, t, t, false, queue), ofMedian: windowExtremum(ofMedian, t, t, false, queue), first, last, medianDensity, density: d };
}

function piecesMedian(d: Float64Array, bounds: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const lo = Math.round(bounds[i]!);
    const hi = Math.round(bounds[i + 1]!);
    out.push(hi > lo ? median(d.subarray(lo, hi)) : 0);
  }
  return out;
}

/**
 * Finds where BOTH loops' metal density falls toward zero at the same point of the vehicle:
 * the air between two vehicles. A point is a gap when, on both loops (each within
 * ±`gapAgreementM`), the density is under `gapRatio` of the lower of the two body levels
 * around it (the highest density within `gapShoulderM` ahead and behind) and under
 * `gapOfMedian` of the body's median density. The first condition is what air does: even the
 * shortest gap (0.3 m) under the widest fringe (0.5 m) takes more than half of the neighbouring
 * density away, because the loop's edge blurs the density over twice its fringe; the second
 * keeps the valleys between a bus's axle groups out, whose floor stays near the body's median
 * while the narrow axle humps stand above it. Gaps closer than `minGapPieceM` to either end of
 * the body are edge texture: no road vehicle is that short. A piece of the body that alone would
 * give a loop less than `levels` (counts) is reconstruction noise, not a vehicle: its gap is
 * dropped. Null when a profile is empty.
 */
/** The least raw level (counts) a body must produce alone over each loop to be a vehicle. */
export interface BodyLevels {
  readonly a: number;
  readonly b: number;
}

/** Highest sum of `d` over `width` consecutive points in [lo, hi): what the stretch alone gives a loop. */
function loopLevel(d: Float64Array, lo: number, hi: number, width: number): number {
  let sum = 0;
  let best = -Infinity;
  for (let k = lo; k < hi; k++) {
    sum += d[k]!;
    if (k - width >= lo) sum -= d[k - width]!;
    if (sum > best) best = sum;
  }
  return best;
}

export function findBodyGaps(density: VehicleDensity, loopLengthM: number, levels: BodyLevels): BodyGaps | null {
  const a = loopProfile(density.a, density.stepM, density.spanA);
  const b = loopProfile(density.b, density.stepM, density.spanB);
  if (a === null || b === null) return null;
  const first = a.first < b.first ? a.first : b.first;
  const last = a.last > b.last ? a.last : b.last;
  const margin = Math.round(P.minGapPieceM / density.stepM);
  const gaps: CommonGap[] = [];
  const at: number[] = [];
  let k = first + margin;
  while (k <= last - margin) {
    const r = a.ratio[k]! > b.ratio[k]! ? a.ratio[k]! : b.ratio[k]!;
    const m = a.ofMedian[k]! > b.ofMedian[k]! ? a.ofMedian[k]! : b.ofMedian[k]!;
    if (!(r < P.gapRatio && m < P.gapOfMedian)) {
      k++;
      continue;
    }
    // One gap per contiguous run; it lies in the run's middle (the ± tolerance minima widen the
    // run symmetrically around the air), with the run's lowest ratio.
    const runStart = k;
    let bestRatio = r;
    let bestOfMedian = m;
    while (k <= last - margin) {
      const rk = a.ratio[k]! > b.ratio[k]! ? a.ratio[k]! : b.ratio[k]!;
      const mk = a.ofMedian[k]! > b.ofMedian[k]! ? a.ofMedian[k]! : b.ofMedian[k]!;
      if (!(rk < P.gapRatio && mk < P.gapOfMedian)) break;
      if (rk < bestRatio) {
        bestRatio = rk;
        bestOfMedian = mk;
      }
      k++;
    }
    const best = (runStart + k - 1) >> 1;
    gaps.push({ atM: (best - first) * density.stepM, ratio: bestRatio, ofMedian: bestOfMedian });
    at.push(best);
  }
  // A piece that gives neither loop a level a vehicle would is reconstruction noise past an end
  // (or ahead of it), not a body: the gap beside it is no gap between two vehicles.
  const width = Math.max(1, Math.round(loopLengthM / density.stepM));
  for (;;) {
    const bounds = [first, ...at, last + 1];
    let weak = -1;
    for (let i = 0; i + 1 < bounds.length && weak < 0; i++) {
      const lo = bounds[i]!;
      const hi = bounds[i + 1]!;
      if (loopLevel(a.density, lo, hi, width) < levels.a || loopLevel(b.density, lo, hi, width) < levels.b) weak = i;
    }
    if (weak < 0 || at.length === 0) break;
    const drop = weak === 0 ? 0 : weak - 1;
    at.splice(drop, 1);
    gaps.splice(drop, 1);
  }
  const lowest = (p: LoopGapProfile): number => {
    let m = Infinity;
    for (let i = p.first; i <= p.last; i++) if (p.density[i]! < m) m = p.density[i]!;
    return m / p.medianDensity;
  };
  const minFraction = lowest(a) < lowest(b) ? lowest(a) : lowest(b);
  const bounds = [first, ...at, last];
  const pieces: number[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) pieces.push((bounds[i + 1]! - bounds[i]!) * density.stepM);
  return {
    gaps,
    lengthM: (last - first) * density.stepM,
    minFraction,
    pieceMediansA: piecesMedian(a.density, bounds),
    pieceMediansB: piecesMedian(b.density, bounds),
    pieces,
  };
}
