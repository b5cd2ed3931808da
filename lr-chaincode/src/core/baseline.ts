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

/** Median of a numeric array (works on a copy; exact, so deterministic on every machine). */
export function median(values: ArrayLike<number>): number {
  const copy = Float64Array.from(values);
  const n = copy.length;
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
  const out = new Float64Array(n);
  if (half === 0) {
    out.set(values);
    return out;
  }
  // Prefix sums in fixed order keep the result identical on every machine.
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + values[i]!;
  for (let i = 0; i < n; i++) {
    const lo = i - half < 0 ? 0 : i - half;
    const hi = i + half + 1 > n ? n : i + half + 1;
    out[i] = (prefix[hi]! - prefix[lo]!) / (hi - lo);
  }
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
  const raw = new Float64Array(n);
  for (let i = 0; i < n; i++) raw[i] = counts[i]! - (headLevel + slope * (i - headCentre));
  const width = Math.min(smoothingWidth(sampleRateHz), n % 2 === 1 ? n : n - 1);
  const residual = smooth(raw, width);

  // Skip the block edges the moving average mixes with the rest of the window.
  const half = (width - 1) >> 1;
  const quiet: number[] = [];
  for (let i = half; i < block - half; i++) quiet.push(residual[i]!);
  for (let i = n - block + half; i < n - half; i++) quiet.push(residual[i]!);
  if (quiet.length === 0) for (let i = 0; i < block; i++) quiet.push(residual[i]!, residual[n - 1 - i]!);
  const centre = median(quiet);
  const deviations = quiet.map((v) => Math.abs(v - centre));
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
