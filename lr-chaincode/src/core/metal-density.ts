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
  const slope = densitySlope(r, from, to, slopeHalfWidth);
  const n = slope.length;
  const rho = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const back = k - delaySamples;
    let earlier = 0;
    if (back >= 0) {
      const j = Math.floor(back);
      const w = back - j;
      earlier = j + 1 < n ? rho[j]! + w * (rho[j + 1]! - rho[j]!) : rho[j]!;
    }
    rho[k] = slope[k]! + earlier;
  }
  return rho;
}

/**
 * The slope term of {@link reconstructDensity}: r' over ±`slopeHalfWidth` samples (at least 1,
 * rounded) at every sample of [from, to], 0 where the window leaves the signal. It does not
 * depend on the delay, so a search over delays takes it once.
 */
export function densitySlope(r: Float64Array, from: number, to: number, slopeHalfWidth: number): Float64Array {
  const n = to - from + 1;
  const slope = new Float64Array(n);
  const h = slopeHalfWidth < 1 ? 1 : Math.round(slopeHalfWidth);
  for (let k = 0; k < n; k++) {
    const i = from + k;
    // Slope over ±h samples: the noise of a one-sample difference would add up along the recursion.
    slope[k] = i - h >= 0 && i + h < r.length ? (r[i + h]! - r[i - h]!) / (2 * h) : 0;
  }
  return slope;
}
