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

/** Samples of A used in the fit: the whole foot-to-foot occupancy, thinned for long windows. */
const MAX_FIT_POINTS = 160;

/** Evaluations remembered by {@link WarpSimilarity}. */
const MEMO = 4;

/**
 * Cosine similarity of A with B warped by (shift, slope), over A's fit points. A's values and
 * their sum of squares do not depend on the warp, so they are taken once; the products are
 * summed in the same order as a single pass would, so every value is bit-identical to it.
 */
class WarpSimilarity {
  private readonly points: Float64Array;
  private readonly values: Float64Array;
  private readonly aa: number;
  /** The last evaluations, newest at `next - 1` (a ring): the pattern search often steps back onto one. */
  private readonly memoShift = new Float64Array(MEMO).fill(Number.NaN);
  private readonly memoSlope = new Float64Array(MEMO).fill(Number.NaN);
  private readonly memoValue = new Float64Array(MEMO);
  private next = 0;

  constructor(
    a: Float64Array,
    private readonly b: Float64Array,
    from: number,
    to: number,
    stride: number,
    private readonly centre: number,
  ) {
    const count = Math.floor((to - from) / stride) + 1;
    this.points = new Float64Array(count);
    this.values = new Float64Array(count);
    let aa = 0;
    for (let k = 0, i = from; k < count; k++, i += stride) {
      const va = a[i]!;
      this.points[k] = i;
      this.values[k] = va;
      aa += va * va;
    }
    this.aa = aa;
  }

  /** The similarity at (shift, slope): a pure function of the two numbers, so a remembered value is exact. */
  at(shift: number, slope: number): number {
    for (let k = 0; k < MEMO; k++) if (this.memoShift[k] === shift && this.memoSlope[k] === slope) return this.memoValue[k]!;
    const value = this.evaluate(shift, slope);
    this.remember(shift, slope, value);
    return value;
  }

  /** Keeps (shift, slope) → value, e.g. the point a step leaves, so stepping back costs nothing. */
  remember(shift: number, slope: number, value: number): void {
    this.memoShift[this.next] = shift;
    this.memoSlope[this.next] = slope;
    this.memoValue[this.next] = value;
    this.next = (this.next + 1) % MEMO;
  }

  private evaluate(shift: number, slope: number): number {
    const b = this.b;
    const last = b.length - 1;
    const points = this.points;
    const values = this.values;
    const centre = this.centre;
    const ratio = slope / shift;
    const pole = shift / 0.05;
    let ab = 0;
    let bb = 0;
    for (let k = 0; k < points.length; k++) {
      const i = points[k]!;
      // hyperbolicShift and sampleAt, inlined with the same operations in the same order.
      const denominator = 1 - ratio * (i - centre);
      const t = i + (denominator > 0.05 ? shift / denominator : pole);
      let vb = 0;
      if (t >= 0 && t <= last) {
        const j = Math.floor(t);
        vb = j === last ? b[j]! : b[j]! + (t - j) * (b[j + 1]! - b[j]!);
      }
      ab += values[k]! * vb;
      bb += vb * vb;
    }
    const aa = this.aa;
    return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
  }
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
  const sim = new WarpSimilarity(a, b, from, to, stride, centre);
  let best = sim.at(shift, slope);

  let shiftStep = Math.max(0.5, 0.04 * Math.abs(shift));
  let slopeStep = shiftStep / span;
  for (let round = 0; round < 2; round++) {
    const iterations = round === 0 ? 12 : 8;
    for (let iter = 0; iter < iterations; iter++) {
      const up = sim.at(shift + shiftStep, slope);
      const down = sim.at(shift - shiftStep, slope);
      if (up > best && up >= down) {
        sim.remember(shift, slope, best);
        best = up;
        shift += shiftStep;
      } else if (down > best) {
        sim.remember(shift, slope, best);
        best = down;
        shift -= shiftStep;
      } else shiftStep /= 2;
    }
    for (let iter = 0; iter < iterations; iter++) {
      const up = slope + slopeStep <= maxSlope ? sim.at(shift, slope + slopeStep) : -Infinity;
      const down = slope - slopeStep >= -maxSlope ? sim.at(shift, slope - slopeStep) : -Infinity;
      if (up > best && up >= down) {
        sim.remember(shift, slope, best);
        best = up;
        slope += slopeStep;
      } else if (down > best) {
        sim.remember(shift, slope, best);
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
