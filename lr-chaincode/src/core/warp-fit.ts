import type { OccupancySegment } from './detection.js';

/**
 * A time warp from loop A to loop B: a point of the vehicle over loop A at time t (samples)
 * is over loop B at t + shiftAt(t), with shiftAt(t) = centreShift + slope × (t − centre).
 * A steady or uniformly accelerating vehicle is (to first order) exactly such a warp.
 */
export interface TimeWarp {
  readonly centre: number;
  readonly centreShift: number;
  readonly slope: number;
  /** Cosine similarity of A with warped B at the optimum. */
  readonly correlation: number;
}

/** Shift B − A (samples) of the vehicle point that is over loop A at time `t`. */
export function shiftAt(warp: TimeWarp, t: number): number {
  return hyperbolicShift(warp.centreShift, warp.slope, t - warp.centre);
}

function hyperbolicShift(centreShift: number, slope: number, dt: number): number {
  const denominator = 1 - (slope / centreShift) * dt;
  // Beyond the pole the model means the vehicle stopped: no finite shift.
  return denominator > 0.05 ? centreShift / denominator : centreShift / 0.05;
}

function sampleAt(r: Float64Array, t: number): number {
  if (!(t >= 0) || t > r.length - 1) return 0;
  const i = Math.floor(t);
  if (i === r.length - 1) return r[i]!;
  return r[i]! + (t - i) * (r[i + 1]! - r[i]!);
}

/** Samples of A used in the fit: the whole foot-to-foot occupancy, thinned for long windows. */
const MAX_FIT_POINTS = 160;

function similarity(a: Float64Array, b: Float64Array, from: number, to: number, stride: number, centre: number, shift: number, slope: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = from; i <= to; i += stride) {
    const va = a[i]!;
    const vb = sampleAt(b, i + hyperbolicShift(shift, slope, i - centre));
    ab += va * vb;
    aa += va * va;
    bb += vb * vb;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/**
 * Fits the warp that best maps B onto A by maximising their cosine similarity over A's whole
 * occupancy, starting from the edge-timed estimate. Using the whole signal matters: for loops
 * whose sensitivity is symmetric about the loop centre, the similarity peak does not depend on
 * how far each loop's field fringes, whereas any single edge crossing does. The search is a
 * fixed-iteration pattern search (coordinate steps halved on no improvement), so it is
 * deterministic and costs a bounded number of evaluations. `maxSlope` bounds |d shift / dt|
 * to what the largest plausible acceleration can cause, so a short signal cannot tilt the warp
 * into a wild extrapolation.
 */
export function fitWarp(
  a: Float64Array,
  b: Float64Array,
  segA: OccupancySegment,
  initialShiftAt: (t: number) => number,
  maxSlope: number,
): TimeWarp {
  const from = segA.footOn;
  const to = segA.footOff;
  const span = Math.max(1, to - from);
  const stride = Math.max(1, Math.ceil((to - from + 1) / MAX_FIT_POINTS));
  const centre = (from + to) / 2;
  let shift = initialShiftAt(centre);
  const clampSlope = (x: number): number => (x > maxSlope ? maxSlope : x < -maxSlope ? -maxSlope : x);
  let slope = clampSlope((initialShiftAt(to) - initialShiftAt(from)) / span);
  let best = similarity(a, b, from, to, stride, centre, shift, slope);

  let shiftStep = Math.max(0.5, 0.04 * Math.abs(shift));
  let slopeStep = shiftStep / span;
  for (let round = 0; round < 2; round++) {
    const iterations = round === 0 ? 12 : 8;
    for (let iter = 0; iter < iterations; iter++) {
      const up = similarity(a, b, from, to, stride, centre, shift + shiftStep, slope);
      const down = similarity(a, b, from, to, stride, centre, shift - shiftStep, slope);
      if (up > best && up >= down) {
        best = up;
        shift += shiftStep;
      } else if (down > best) {
        best = down;
        shift -= shiftStep;
      } else shiftStep /= 2;
    }
    for (let iter = 0; iter < iterations; iter++) {
      const up = slope + slopeStep <= maxSlope ? similarity(a, b, from, to, stride, centre, shift, slope + slopeStep) : -Infinity;
      const down = slope - slopeStep >= -maxSlope ? similarity(a, b, from, to, stride, centre, shift, slope - slopeStep) : -Infinity;
      if (up > best && up >= down) {
        best = up;
        slope += slopeStep;
      } else if (down > best) {
        best = down;
        slope -= slopeStep;
      } else slopeStep /= 2;
    }
    // Later rounds restart with moderate steps so the two coordinates can settle together.
    shiftStep = Math.max(0.05, 0.005 * Math.abs(shift));
    slopeStep = shiftStep / span;
  }
  return { centre, centreShift: shift, slope, correlation: best };
}
