import type { Rng } from './rng.js';

/**
 * Inverse of the standard normal CDF (Acklam's rational approximation, relative error
 * < 1.2e-9): used once to tabulate quantiles, never per sample.
 */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - pLow) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

const TABLE_BITS = 16;
let table: Float64Array | null = null;

function quantileTable(): Float64Array {
  if (!table) {
    const size = 1 << TABLE_BITS;
    table = new Float64Array(size);
    for (let i = 0; i < size; i++) table[i] = normalQuantile((i + 0.5) / size);
  }
  return table;
}

/**
 * Adds white Gaussian noise of standard deviation `sigma` to `signal`. Each 32-bit draw gives
 * two samples: each 16-bit half picks one of 65536 tabulated quantiles (equiprobable cells).
 * Several times faster than Box–Muller — sensor noise is most of the random numbers a reading
 * needs — at the price of a 65536-level distribution whose tails stop at ≈ ±4.3 σ, which is
 * immaterial for detector noise.
 */
export function addGaussianNoise(signal: Float64Array, sigma: number, rng: Rng): void {
  const t = quantileTable();
  const n = signal.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const u = rng.nextU32();
    signal[i]! += sigma * t[u >>> 16]!;
    signal[i + 1]! += sigma * t[u & 0xffff]!;
  }
  if (i < n) signal[i]! += sigma * t[rng.nextU32() >>> 16]!;
}
