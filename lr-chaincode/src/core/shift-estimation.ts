import type { OccupancySegment } from './detection.js';
import { MEASUREMENT_TUNING as T } from './measurement-tuning.js';
import { fitWarp, shiftAt, type TimeWarp } from './warp-fit.js';

/** Timing of one edge (the vehicle's front or rear) on both loops, in fractional samples. */
export interface EdgeTiming {
  /** Mean crossing time on loop A over the edge levels. */
  readonly timeA: number;
  /** Mean shift B − A over the edge levels. */
  readonly shift: number;
  /** Spread (max − min) of the per-level shifts: a noise indicator. */
  readonly spread: number;
  /** Edge levels that crossed on both loops. */
  readonly levels: number;
  /** Largest residual in the edge window on A and on B, counts: what the edge rises to (falls from). */
  readonly levelA: number;
  readonly levelB: number;
}

/** The time shift between loops, from the front and from the rear, plus shape similarity. */
export interface ShiftEstimate {
  /** Front edge (leading edges of the signals): what the reference speed is defined by. */
  readonly front: EdgeTiming;
  /** Rear edge (trailing edges): the cross-check for a steady speed. */
  readonly rear: EdgeTiming;
  /** Front-edge to rear-edge time on each loop, samples: vehicle length over speed. */
  readonly durationA: number;
  readonly durationB: number;
  /** Cosine similarity of A and B after B is mapped onto A's time by the front/rear shifts. */
  readonly correlation: number;
  /** Best whole-signal time warp A → B. */
  readonly warp: TimeWarp;
  /**
   * Shift B − A (samples) of the vehicle front as it crosses loop A's leading edge, from the warp:
   * the quantity the reference speed is defined by.
   */
  readonly frontShift: number;
}

function maxIn(r: Float64Array, from: number, to: number): { level: number; index: number } {
  let level = -Infinity;
  let index = from;
  for (let i = from; i <= to; i++) {
    if (r[i]! > level) {
      level = r[i]!;
      index = i;
    }
  }
  return { level, index };
}

/** First time (fractional sample) the signal rises through `level`, scanning from..to; NaN if never. */
function risingCrossing(r: Float64Array, from: number, to: number, level: number): number {
  for (let i = from; i <= to; i++) {
    if (r[i]! >= level) {
      if (i === from) return i;
      const prev = r[i - 1]!;
      return i - 1 + (level - prev) / (r[i]! - prev);
    }
  }
  return Number.NaN;
}

/** Last time the signal falls through `level`, scanning back from..to (from > to); NaN if never. */
function fallingCrossing(r: Float64Array, from: number, to: number, level: number): number {
  for (let i = from; i >= to; i--) {
    if (r[i]! >= level) {
      if (i === from) return i;
      const next = r[i + 1]!;
      return i + (r[i]! - level) / (r[i]! - next);
    }
  }
  return Number.NaN;
}

function edgeLevels(): number[] {
  const levels: number[] = [];
  const step = (T.edgeLevelHigh - T.edgeLevelLow) / (T.edgeLevelCount - 1);
  for (let k = 0; k < T.edgeLevelCount; k++) levels.push(T.edgeLevelLow + k * step);
  return levels;
}
const LEVELS = edgeLevels();

/**
 * Times one edge on both loops at several fractions of each loop's own edge level (so loop gain
 * cancels) and averages the per-level shifts. Using many levels averages the noise of a weak
 * signal over the whole edge instead of trusting one threshold crossing.
 */
function timeEdge(
  a: Float64Array,
  b: Float64Array,
  segA: OccupancySegment,
  segB: OccupancySegment,
  windowSamples: number,
  rising: boolean,
): EdgeTiming {
  const window = (seg: OccupancySegment): [number, number] =>
    rising ? [seg.footOn, Math.min(seg.footOff, seg.footOn + windowSamples)] : [Math.max(seg.footOn, seg.footOff - windowSamples), seg.footOff];
  const [a0, a1] = window(segA);
  const [b0, b1] = window(segB);
  const edgeA = maxIn(a, a0, a1);
  const edgeB = maxIn(b, b0, b1);
  let sumShift = 0;
  let sumA = 0;
  let count = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const f of LEVELS) {
    const tA = rising ? risingCrossing(a, a0, edgeA.index, f * edgeA.level) : fallingCrossing(a, a1, edgeA.index, f * edgeA.level);
    const tB = rising ? risingCrossing(b, b0, edgeB.index, f * edgeB.level) : fallingCrossing(b, b1, edgeB.index, f * edgeB.level);
    if (Number.isNaN(tA) || Number.isNaN(tB)) continue;
    const s = tB - tA;
    sumShift += s;
    sumA += tA;
    count++;
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  }
  if (count === 0) return { timeA: Number.NaN, shift: Number.NaN, spread: Number.NaN, levels: 0, levelA: edgeA.level, levelB: edgeB.level };
  return { timeA: sumA / count, shift: sumShift / count, spread: hi - lo, levels: count, levelA: edgeA.level, levelB: edgeB.level };
}

function sampleAt(r: Float64Array, t: number): number {
  if (!(t >= 0) || t > r.length - 1) return 0;
  const i = Math.floor(t);
  if (i === r.length - 1) return r[i]!;
  const frac = t - i;
  return r[i]! + frac * (r[i + 1]! - r[i]!);
}

/**
 * Cosine similarity of loop A's occupancy with loop B read at A's time plus a shift that varies
 * linearly from the front shift to the rear shift. Steady or mildly accelerating vehicles are one
 * time-stretched shape and score near 1; a stop between the loops, two vehicles at different
 * speeds, or a partial pass on one loop do not.
 */
function warpedCorrelation(a: Float64Array, b: Float64Array, segA: OccupancySegment, front: EdgeTiming, rear: EdgeTiming): number {
  const span = rear.timeA - front.timeA;
  const rate = span > 0 ? (rear.shift - front.shift) / span : 0;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = segA.footOn; i <= segA.footOff; i++) {
    const t = i < front.timeA ? front.shift : i > rear.timeA ? rear.shift : front.shift + rate * (i - front.timeA);
    const va = a[i]!;
    const vb = sampleAt(b, i + t);
    ab += va * vb;
    aa += va * va;
    bb += vb * vb;
  }
  if (aa <= 0 || bb <= 0) return 0;
  return ab / Math.sqrt(aa * bb);
}

/**
 * Estimates the time shift B − A from the paired occupancies. `coarseShift` (samples, > 0) sets
 * the edge window: the time the vehicle needs to travel one loop length plus a margin.
 */
export function estimateShift(
  a: Float64Array,
  b: Float64Array,
  segA: OccupancySegment,
  segB: OccupancySegment,
  coarseShift: number,
  spacingM: number,
  loopLengthM: number,
  samplesPerSecond: number,
): ShiftEstimate {
  const samplesPerMetre = coarseShift / spacingM;
  const windowSamples = Math.max(4, Math.ceil((loopLengthM + T.edgeWindowExtraM) * samplesPerMetre));
  const front = timeEdge(a, b, segA, segB, windowSamples, true);
  const rear = timeEdge(a, b, segA, segB, windowSamples, false);
  const correlation = Number.isNaN(front.shift) || Number.isNaN(rear.shift) ? 0 : warpedCorrelation(a, b, segA, front, rear);
  const durationA = rear.timeA - front.timeA;
  const durationB = rear.timeA + rear.shift - (front.timeA + front.shift);
  const span = rear.timeA - front.timeA;
  const edgeSlope = span > 0 && correlation > 0 ? (rear.shift - front.shift) / span : 0;
  const seedShift = Number.isNaN(front.shift) ? coarseShift : front.shift;
  const seedTime = Number.isNaN(front.timeA) ? segA.footOn : front.timeA;
  // shift(t) = D / v(t) ⇒ |d shift/dt| = D·|a| / v²; in samples the rate cancels out.
  const speed = spacingM / coarseShift; // metres per sample
  const maxSlope = (spacingM * T.maxAccelerationMs2) / (speed * speed) / (samplesPerSecond * samplesPerSecond);
  const warp = fitWarp(a, b, segA, (t) => seedShift + edgeSlope * (t - seedTime), maxSlope);
  // The mean edge level is crossed when the front is about mid-loop; the reference starts at the
  // loop's leading edge, half a loop length earlier.
  const leadTime = seedTime - (loopLengthM / 2) * samplesPerMetre;
  const frontShift = shiftAt(warp, leadTime);
  return { front, rear, durationA, durationB, correlation, warp, frontShift };
}

/** Rising crossing of half the segment peak: a coarse, gain-independent onset time. */
export function halfPeakOnset(r: Float64Array, seg: OccupancySegment): number {
  return risingCrossing(r, seg.footOn, seg.peakIndex, seg.peak / 2);
}
