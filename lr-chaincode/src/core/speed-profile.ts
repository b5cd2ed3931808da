import type { OccupancySegment } from './detection.js';
import { PROFILE_TUNING as P } from './measurement-tuning.js';
import { reject, type Rejection } from './rejection.js';
import type { ShiftEstimate } from './shift-estimation.js';

/** Shift B − A (fractional samples) of one stretch of A, and how well it matched. */
export interface LocalShift {
  /** Centre of the stretch of A, samples. */
  readonly timeA: number;
  readonly shift: number;
  /** Normalised correlation at the best integer lag. */
  readonly correlation: number;
  /** Drop of the correlation `probe` lags away from the best: how sharply the shift is defined. */
  readonly sharpness: number;
}

/** Points of a stretch used per correlation at most: bounds the cost of a long, slow pass. */
const MAX_POINTS = 96;

/**
 * Normalised correlation of A's stretch [from, to] (thinned to {@link MAX_POINTS}) with B `lag`
 * samples later. `aa` is the stretch's own sum of squares over the same points in the same
 * order ({@link stretchEnergy}): it does not depend on the lag, so it is taken once.
 */
function correlationAt(a: Float64Array, b: Float64Array, from: number, to: number, lag: number, aa: number): number {
  let ab = 0;
  let bb = 0;
  const stride = Math.max(1, Math.ceil((to - from + 1) / MAX_POINTS));
  for (let i = from; i <= to; i += stride) {
    const j = i + lag;
    const vb = j >= 0 && j < b.length ? b[j]! : 0;
    ab += a[i]! * vb;
    bb += vb * vb;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** Sum of squares of A's stretch over the points {@link correlationAt} uses. */
function stretchEnergy(a: Float64Array, from: number, to: number): number {
  let aa = 0;
  const stride = Math.max(1, Math.ceil((to - from + 1) / MAX_POINTS));
  for (let i = from; i <= to; i += stride) aa += a[i]! * a[i]!;
  return aa;
}

/** Lags evaluated in the coarse pass of {@link localShift} at most (before the fine pass). */
const COARSE_LAGS = 16;

/**
 * Shift of the stretch [from, to] of loop A in loop B: lag search in [lo, hi] by normalised
 * cross-correlation, refined to a sub-sample by the parabola through the best lag and its
 * neighbours. Wide searches go coarse to fine: about {@link COARSE_LAGS} evenly spaced lags,
 * then every lag within one coarse step of the best. A stretch of a vehicle is longer than a
 * coarse step (its correlation peak is as wide as the stretch), so the fine pass finds the same
 * peak at a quarter of the cost. Fixed order of operations: bit-identical everywhere.
 */
export function localShift(a: Float64Array, b: Float64Array, from: number, to: number, lo: number, hi: number, probe = 1): LocalShift {
  const scores = new Float64Array(hi - lo + 1).fill(Number.NaN);
  const aa = stretchEnergy(a, from, to);
  const score = (lag: number): number => {
    if (lag < lo || lag > hi) return correlationAt(a, b, from, to, lag, aa);
    const i = lag - lo;
    if (Number.isNaN(scores[i]!)) scores[i] = correlationAt(a, b, from, to, lag, aa);
    return scores[i]!;
  };
  const step = hi - lo > 2 * COARSE_LAGS ? Math.floor((hi - lo) / COARSE_LAGS) : 1;
  let best = -Infinity;
  let bestLag = lo;
  let fineLo = lo;
  let fineHi = hi;
  if (step > 1) {
    for (let lag = lo; lag <= hi; lag += step) {
      const c = score(lag);
      if (c > best) {
        best = c;
        bestLag = lag;
      }
    }
    fineLo = bestLag - step > lo ? bestLag - step : lo;
    fineHi = bestLag + step < hi ? bestLag + step : hi;
    best = -Infinity;
  }
  for (let lag = fineLo; lag <= fineHi; lag++) {
    const c = score(lag);
    if (c > best) {
      best = c;
      bestLag = lag;
    }
  }
  let shift = bestLag;
  if (bestLag > lo && bestLag < hi) {
    const left = score(bestLag - 1);
    const right = score(bestLag + 1);
    const curvature = left - 2 * best + right;
    if (curvature < 0) shift = bestLag + (0.5 * (left - right)) / curvature;
  }
  const p = probe < 1 ? 1 : Math.round(probe);
  const left = score(bestLag - p);
  const right = score(bestLag + p);
  const sharpness = best - (left > right ? left : right);
  return { timeA: (from + to) / 2, shift, correlation: best, sharpness };
}

function fixed(x: number, digits: number): string {
  return x.toFixed(digits);
}

/**
 * `dlr1-speed/1.2.0`: the speed must be constant (to within what mild, uniform acceleration
 * explains) along the whole pass, not only at its front and rear. Loop A's occupancy is cut
 * into thirds, and each third is found in loop B by cross-correlation: three local speeds
 * D / shift along the vehicle. Uniform acceleration makes speed linear in time, so the middle
 * speed must lie on the line through the outer two, and the total change must stay within
 * the acceleration bound (the middle only where its signal has enough structure to define a
 * shift: correlation falling by `profileMinSharpness` a few percent of the shift away). A vehicle that brakes to a crawl over the loops and drives off
 * (stop-and-go) breaks both: its speed profile is a valley, and an estimate from its front
 * edges is then not the speed of the pass. A stop with the front still in loop A's fringe shows
 * only low in the toe of A's signal: its foot then leads B's by more than the fronts do. The bound is physical: the measurement model (one
 * time warp per pass) carries at most a fraction of the permissible error when these hold.
 */
export function checkSpeedProfile(
  a: Float64Array,
  b: Float64Array,
  segA: OccupancySegment,
  segB: OccupancySegment,
  shift: ShiftEstimate,
  spacingM: number,
  sampleRateHz: number,
): Rejection<'NON_CONSTANT_SPEED'> | null {
  const from = segA.footOn;
  const to = segA.footOff;
  const third = Math.floor((to - from + 1) / 3);
  if (third < 4) return null;
  const guess = shift.frontShift;
  const halfSearch = Math.max(3, Math.ceil(P.profileSearchFraction * guess));
  const lo = Math.max(1, Math.floor(guess - halfSearch));
  const hi = Math.ceil(guess + halfSearch);
  const probe = P.profileProbeFraction * guess;
  const parts = [
    localShift(a, b, from, from + third - 1, lo, hi, probe),
    localShift(a, b, from + third, from + 2 * third - 1, lo, hi, probe),
    localShift(a, b, from + 2 * third, to, lo, hi, probe),
  ];
  for (const p of parts) if (!(p.shift > 0)) return reject('NON_CONSTANT_SPEED', `a third of the pass has no forward shift (${fixed(p.shift, 2)} samples)`);
  const v = parts.map((p) => (spacingM * sampleRateHz) / p.shift);
  const [v1, v2, v3] = v as [number, number, number];
  const t1 = parts[0]!.timeA;
  const t3 = parts[2]!.timeA;
  const predicted = v1 + ((v3 - v1) * (parts[1]!.timeA - t1)) / (t3 - t1);
  const mean = (v1 + v2 + v3) / 3;
  // One sample of timing error on a shift of s samples is a relative speed error of 1/s.
  const slack = P.profileSlackSamples / Math.min(parts[0]!.shift, parts[1]!.shift, parts[2]!.shift);
  const curvature = Math.abs(v2 - predicted) / mean;
  // A middle without structure (a bus's flat floor) defines no shift: only the outer thirds count.
  const middleDefined = parts[1]!.sharpness >= P.profileMinSharpness;
  if (middleDefined && curvature > P.profileMaxCurvature + slack) {
    return reject(
      'NON_CONSTANT_SPEED',
      `speed along the pass ${fixed(v1 * 3.6, 2)}, ${fixed(v2 * 3.6, 2)}, ${fixed(v3 * 3.6, 2)} km/h (front, middle, rear third): ` +
        `the middle is ${fixed(curvature * 100, 1)} % off uniform acceleration (at most ${fixed((P.profileMaxCurvature + slack) * 100, 1)} %)`,
    );
  }
  // Same vehicle, same speed: it occupies A as long as B. A crawl over one loop does not.
  const durationMismatch = Math.abs(shift.durationB - shift.durationA) / ((shift.durationA + shift.durationB) / 2);
  const speedChange = Math.abs(v3 - v1) / mean;
  const durationAllowed = P.profileMaxDurationMismatch + speedChange + 2 * P.profileSlackSamples / Math.min(shift.durationA, shift.durationB);
  if (durationMismatch > durationAllowed) {
    return reject(
      'NON_CONSTANT_SPEED',
      `the vehicle occupied loop A for ${fixed(shift.durationA / sampleRateHz, 3)} s and loop B for ${fixed(shift.durationB / sampleRateHz, 3)} s: ` +
        `${fixed(durationMismatch * 100, 1)} % apart (at most ${fixed(durationAllowed * 100, 1)} %), so it slowed or sped up between them`,
    );
  }
  const change = speedChange;
  if (change > P.profileMaxChange + slack) {
    return reject(
      'NON_CONSTANT_SPEED',
      `speed along the pass ${fixed(v1 * 3.6, 2)} → ${fixed(v3 * 3.6, 2)} km/h changes by ${fixed(change * 100, 1)} % (at most ${fixed((P.profileMaxChange + slack) * 100, 1)} %)`,
    );
  }
  for (const [name, edge] of [['front', shift.front], ['rear', shift.rear]] as const) {
    const ratio = edge.levelB / segB.peak / (edge.levelA / segA.peak);
    if (!(ratio <= P.profileEdgeLevelRatio && ratio >= 1 / P.profileEdgeLevelRatio)) {
      return reject(
        'NON_CONSTANT_SPEED',
        `the ${name} edge rises to ${fixed((100 * edge.levelA) / segA.peak, 0)} % of the peak on loop A but ${fixed((100 * edge.levelB) / segB.peak, 0)} % on loop B ` +
          `(ratio at most ${P.profileEdgeLevelRatio} either way): the vehicle stopped part-way over a loop`,
      );
    }
  }
  // The reference starts when the front enters loop A, low in the signal's toe, below every
  // edge level: a stop there (a queue creeping up to the loops) is invisible to the edges and
  // the thirds, which the body dominates, but it delays where A's signal leaves the baseline.
  const samplesPerMetre = shift.frontShift / spacingM;
  const footGap = Math.abs(segB.footOn - segA.footOn - shift.frontShift);
  const footAllowed = P.profileFootAgreementM * samplesPerMetre + P.profileFootSlackSamples;
  if (footGap > footAllowed) {
    return reject(
      'NON_CONSTANT_SPEED',
      `the signals leave the baseline ${fixed((segB.footOn - segA.footOn) / sampleRateHz, 3)} s apart but the fronts cross ${fixed(shift.frontShift / sampleRateHz, 3)} s apart ` +
        `(at most ${fixed(footAllowed / sampleRateHz, 3)} s difference): the vehicle stalled as it entered a loop`,
    );
  }
  return null;
}
