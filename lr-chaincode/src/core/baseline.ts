import { MEASUREMENT_TUNING } from './measurement-tuning.js';

/** One loop's signal with the empty-road baseline removed, smoothed, and its noise level. */
export interface LoopResidual {
  /** Smoothed counts above the baseline (may be slightly negative in noise). */
  readonly residual: Float64Array;
  /** Noise standard deviation of `residual` (robust estimate, ≥ a small floor). */
  readonly sigma: number;
  /** Baseline at the first and last sample, counts (for details and diagnostics). */
  readonly baselineStart: number;
  readonly baselineEnd: number;
  /** Width of the centred moving average used, samples (odd). */
  readonly smoothingWidth: number;
}

/** k-th smallest (0-based) of `a`, reordering `a` in place (Hoare selection, middle pivot: deterministic). */
function selectKth(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/** Widest value range counted by {@link countingMedian} (a 16 KiB histogram). */
const COUNTING_RANGE = 4096;

/**
 * Median of 16-bit counts by histogram: the same order statistics as selection, so the same
 * number, in two passes over the values. Null when the values spread too wide for it.
 */
function countingMedian(values: Uint16Array): number | null {
  const n = values.length;
  let lo = 65535;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi - lo >= COUNTING_RANGE) return null;
  const counts = new Int32Array(hi - lo + 1);
  for (let i = 0; i < n; i++) counts[values[i]! - lo]!++;
  const mid = n >> 1;
  // The (mid − 1)-th and mid-th smallest (0-based).
  let lower = Number.NaN;
  let seen = 0;
  for (let b = 0; b < counts.length; b++) {
    seen += counts[b]!;
    if (Number.isNaN(lower) && seen > mid - 1) lower = lo + b;
    if (seen > mid) {
      const upper = lo + b;
      return n % 2 === 1 ? upper : (lower + upper) / 2;
    }
  }
  return null;
}

/** Median of a numeric array (works on a copy; exact, so deterministic on every machine). */
export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n > 1 && values instanceof Uint16Array) {
    const m = countingMedian(values);
    if (m !== null) return m;
  }
  // An indexed copy: Float64Array.from goes through the iterator protocol, many times slower.
  const copy = new Float64Array(n);
  for (let i = 0; i < n; i++) copy[i] = values[i]!;
  if (n === 0) return 0;
  const mid = n >> 1;
  const upper = selectKth(copy, mid);
  if (n % 2 === 1) return upper;
  // Everything left of `mid` is ≤ upper after selection: the lower middle is their maximum.
  let lower = -Infinity;
  for (let i = 0; i < mid; i++) if (copy[i]! > lower) lower = copy[i]!;
  return (lower + upper) / 2;
}

/** Centred moving average of odd `width`; the window shrinks at the ends so no sample is invented. */
export function smooth(values: Float64Array, width: number): Float64Array {
  const n = values.length;
  const half = (width - 1) >> 1;
  if (half === 0) {
    const out = new Float64Array(n);
    out.set(values);
    return out;
  }
  // Prefix sums in fixed order keep the result identical on every machine.
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + values[i]!;
  return averageFromPrefix(prefix, n, half);
}

/** The moving average of {@link smooth} (half-width `half` ≥ 1) from the prefix sums of the values. */
function averageFromPrefix(prefix: Float64Array, n: number, half: number): Float64Array {
  const out = new Float64Array(n);
  // Shrunk windows at the ends, full ones (2·half + 1 samples, no clamping) in between.
  const full = 2 * half + 1;
  const window = (i: number): number => {
    const lo = i - half < 0 ? 0 : i - half;
    const hi = i + half + 1 > n ? n : i + half + 1;
    return (prefix[hi]! - prefix[lo]!) / (hi - lo);
  };
  const interiorEnd = n - half;
  let i = 0;
  for (; i < half && i < n; i++) out[i] = window(i);
  for (; i < interiorEnd; i++) out[i] = (prefix[i + half + 1]! - prefix[i - half]!) / full;
  for (; i < n; i++) out[i] = window(i);
  return out;
}

/** Samples in one baseline block (window head or tail) for a window of `n` samples. */
export function baselineBlockLength(n: number, sampleRateHz: number): number {
  const wanted = Math.max(MEASUREMENT_TUNING.baselineMinSamples, Math.round(sampleRateHz * MEASUREMENT_TUNING.baselineSeconds));
  return Math.max(2, Math.min(wanted, Math.floor(n / 4)));
}

/** Moving-average width for a sample rate: about 5 ms, odd, at least 1. */
export function smoothingWidth(sampleRateHz: number): number {
  return 2 * Math.floor((sampleRateHz * MEASUREMENT_TUNING.smoothingHalfWidthPerKhz) / 1000) + 1;
}

/**
 * Removes the baseline from one loop's counts. The meter cuts the window with empty-road margins
 * on both sides, so the baseline is the straight line through the medians of the head and tail
 * blocks: arbitrary level, slow linear drift. The noise sigma is measured on the smoothed
 * residual of those blocks (median absolute deviation), so thresholds follow the real noise.
 */
export function loopResidual(counts: Uint16Array, sampleRateHz: number): LoopResidual {
  const n = counts.length;
  const block = baselineBlockLength(n, sampleRateHz);
  const head = counts.subarray(0, block);
  const tail = counts.subarray(n - block, n);
  const headLevel = median(head);
  const tailLevel = median(tail);
  const headCentre = (block - 1) / 2;
  const tailCentre = n - 1 - (block - 1) / 2;
  const slope = tailCentre > headCentre ? (tailLevel - headLevel) / (tailCentre - headCentre) : 0;
  const width = Math.min(smoothingWidth(sampleRateHz), n % 2 === 1 ? n : n - 1);
  const half = (width - 1) >> 1;
  // smooth(counts − baseline, width), with the baseline-free counts summed straight into the
  // prefix sums (the same numbers: each term is the double the subtraction gives).
  let residual: Float64Array;
  if (half === 0) {
    residual = new Float64Array(n);
    for (let i = 0; i < n; i++) residual[i] = counts[i]! - (headLevel + slope * (i - headCentre));
  } else {
    const prefix = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + (counts[i]! - (headLevel + slope * (i - headCentre)));
    residual = averageFromPrefix(prefix, n, half);
  }

  // Skip the block edges the moving average mixes with the rest of the window.
  const headQuiet = block - 2 * half > 0 ? block - 2 * half : 0;
  const tailQuiet = block - 2 * half > 0 ? block - 2 * half : 0;
  let quiet: Float64Array;
  if (headQuiet + tailQuiet > 0) {
    quiet = new Float64Array(headQuiet + tailQuiet);
    let q = 0;
    for (let i = half; i < block - half; i++) quiet[q++] = residual[i]!;
    for (let i = n - block + half; i < n - half; i++) quiet[q++] = residual[i]!;
  } else {
    quiet = new Float64Array(2 * block);
    for (let i = 0; i < block; i++) {
      quiet[2 * i] = residual[i]!;
      quiet[2 * i + 1] = residual[n - 1 - i]!;
    }
  }
  const centre = median(quiet);
  const deviations = new Float64Array(quiet.length);
  for (let i = 0; i < quiet.length; i++) deviations[i] = Math.abs(quiet[i]! - centre);
  // 1.4826 turns a median absolute deviation into a Gaussian sigma; the floor covers a flat,
  // noise-free ADC (quantisation alone).
  const sigma = Math.max(0.3, 1.4826 * median(deviations));
  return {
    residual,
    sigma,
    baselineStart: headLevel - slope * headCentre,
    baselineEnd: headLevel + slope * (n - 1 - headCentre),
    smoothingWidth: width,
  };
}
