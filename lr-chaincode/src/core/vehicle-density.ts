import type { LoopResidual } from './baseline.js';
import { PROFILE_TUNING as P } from './measurement-tuning.js';
import { densitySlope } from './metal-density.js';
import type { PairedPass } from './pairing.js';
import type { ShiftEstimate } from './shift-estimation.js';
import { shiftAt } from './warp-fit.js';

/**
 * The metal density along the vehicle as each loop saw it, on a uniform grid of distance
 * behind the vehicle's front, in counts per grid step (each loop in its own gain).
 */
export interface VehicleDensity {
  /** Grid step, metres. */
  readonly stepM: number;
  /** Distance behind the front (m) of grid point 0 of both profiles; negative is ahead of it. */
  readonly startM: number;
  readonly a: Float64Array;
  readonly b: Float64Array;
  /**
   * Grid points [first, last] of each loop that can hold the vehicle's body: from where the
   * signal leaves its foot to where it regains it less one loop length (past that, the rear
   * is already off the loop's leading edge and the density is only the inversion's noise).
   */
  readonly spanA: readonly [number, number];
  readonly spanB: readonly [number, number];
}

/**
 * Front position (m, relative to loop A's leading edge) at every sample, from the fitted time
 * warp: the speed at t is spacing / shift(t), the warp's own model of the pass (reading it half
 * a shift earlier, as the mean over the gap would suggest, made the reconstructed ends echo
 * more on the project's corpora). Integrated forward and backward from the front's arrival at A
 * in fixed order (+ − × ÷ only). Null when the warp has no finite positive speed in the window.
 */
function frontPositions(n: number, shift: ShiftEstimate, spacingM: number, loopLengthM: number): Float64Array | null {
  const speedAt = (t: number): number => spacingM / shiftAt(shift.warp, t);
  const arrival = shift.front.timeA - loopLengthM / 2 / speedAt(shift.front.timeA);
  if (!(arrival > -n) || !(arrival < 2 * n)) return null;
  const x = new Float64Array(n);
  const i0 = arrival < 0 ? 0 : arrival > n - 1 ? n - 1 : Math.floor(arrival);
  x[i0] = (i0 - arrival) * speedAt((i0 + arrival) / 2);
  for (let i = i0 + 1; i < n; i++) {
    const v = speedAt(i - 0.5);
    if (!(v > 0) || !Number.isFinite(v)) return null;
    x[i] = x[i - 1]! + v;
  }
  for (let i = i0 - 1; i >= 0; i--) {
    const v = speedAt(i + 0.5);
    if (!(v > 0) || !Number.isFinite(v)) return null;
    x[i] = x[i + 1]! - v;
  }
  return x;
}

/** `r` read at front positions startM + k·step (+ offset), linear interpolation; 0 outside. */
function resample(r: Float64Array, x: Float64Array, startM: number, stepM: number, count: number, offsetM: number): Float64Array {
  const out = new Float64Array(count);
  let i = 0;
  const n = x.length;
  for (let k = 0; k < count; k++) {
    const p = startM + k * stepM + offsetM;
    while (i + 1 < n && x[i + 1]! < p) i++;
    if (i + 1 >= n || p < x[0]!) continue;
    const w = (p - x[i]!) / (x[i + 1]! - x[i]!);
    out[k] = r[i]! + w * (r[i + 1]! - r[i]!);
  }
  return out;
}

/**
 * Inverts one loop's integration with the loop's effective magnetic length, which is not its
 * surveyed length: the field reaches past the wires, by an amount that depends on the loop and
 * its pavement. The wrong length leaves echoes one length apart, with negative lobes that metal
 * cannot have, so each loop's effective length is the candidate (from the surveyed length up
 * by `densityLengthSearchM`, in grid steps) whose density is least negative in total; ties go
 * to the shorter. Fixed order throughout.
 */
function invertLoop(r: Float64Array, count: number, loopLengthM: number, stepM: number, half: number): Float64Array {
  const lo = Math.round((loopLengthM - P.densityLengthSlackM) / stepM);
  const hi = Math.round((loopLengthM + P.densityLengthSearchM) / stepM);
  // reconstructDensity(r, 0, count − 1, delay, half) for each integer delay, sharing its slope
  // term; same operations in the same order, so the same numbers. A candidate is abandoned as
  // soon as its negative total reaches the best one's: adding non-negative terms can only keep
  // it there (IEEE addition is monotone), so it could not have won.
  const slope = densitySlope(r, 0, count - 1, half);
  let rho: Float64Array = new Float64Array(count);
  let best: Float64Array | null = null;
  let bestNegative = Infinity;
  for (let delay = lo; delay <= hi; delay++) {
    rho.fill(0);
    let negative = 0;
    let abandoned = false;
    for (let k = 0; k < count; k++) {
      const back = k - delay;
      let earlier = 0;
      if (back >= 0) {
        const j = Math.floor(back);
        const w = back - j;
        earlier = j + 1 < count ? rho[j]! + w * (rho[j + 1]! - rho[j]!) : rho[j]!;
      }
      const v = slope[k]! + earlier;
      rho[k] = v;
      if (v < 0) {
        negative -= v;
        if (!(negative < bestNegative)) {
          abandoned = true;
          break;
        }
      }
    }
    if (!abandoned && negative < bestNegative) {
      bestNegative = negative;
      const spare: Float64Array = best ?? new Float64Array(count);
      best = rho;
      rho = spare;
    }
  }
  return best!;
}

/**
 * Reconstructs the metal density along the vehicle from both loops, in the position domain.
 * Each loop's residual is first read at uniform steps of the vehicle's travel (from the fitted
 * warp, so a mildly accelerating vehicle is not stretched), where a loop of length L is a
 * constant delay of L / step grid points; then {@link reconstructDensity} inverts the loop's
 * integration. In time, the delay would change with the speed along the pass and the inverse
 * would echo every error one loop length behind. Both profiles share one grid of distance
 * behind the front, so a gap between two vehicles lies at the same grid point on both.
 * Null when the pass gives no usable position mapping.
 */
export function vehicleDensity(
  resA: LoopResidual,
  resB: LoopResidual,
  pair: PairedPass,
  shift: ShiftEstimate,
  spacingM: number,
  loopLengthM: number,
): VehicleDensity | null {
  const n = resA.residual.length;
  const x = frontPositions(n, shift, spacingM, loopLengthM);
  if (x === null) return null;
  const stepM = P.densityStepM;
  // From ahead of the first foot (signal still at baseline, so the recursion starts from zero
  // density) to the last foot of either loop.
  const startA = x[pair.a.footOn]! - P.densityLeadM;
  const startB = x[pair.b.footOn]! - spacingM - P.densityLeadM;
  const startM = startA < startB ? startA : startB;
  const endA = x[pair.a.footOff]!;
  const endB = x[pair.b.footOff]! - spacingM;
  const endM = endA > endB ? endA : endB;
  const count = Math.floor((endM - startM) / stepM) + 1;
  if (!(count > 0) || count > P.densityMaxPoints) return null;
  const half = P.densitySlopeHalfM / stepM;
  // Read a little past the end: the slope of the last points needs samples beyond them.
  const extra = Math.ceil(half) + 1;
  const rA = resample(resA.residual, x, startM, stepM, count + extra, 0);
  const rB = resample(resB.residual, x, startM, stepM, count + extra, spacingM);
  const span = (on: number, off: number): [number, number] => {
    const lo = Math.round((on - startM) / stepM);
    const hi = Math.round((off - loopLengthM - startM) / stepM);
    return [lo < 0 ? 0 : lo, hi > count - 1 ? count - 1 : hi];
  };
  return {
    stepM,
    startM,
    a: invertLoop(rA, count, loopLengthM, stepM, half),
    b: invertLoop(rB, count, loopLengthM, stepM, half),
    spanA: span(x[pair.a.footOn]!, endA),
    spanB: span(x[pair.b.footOn]! - spacingM, endB),
  };
}
