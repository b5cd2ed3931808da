import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reconstructDensity } from './metal-density.js';
import { propertyRuns } from './test-support/property-runs.js';

/** r(t) = Σ ρ over the loop's last `loop` samples (sharp edges): what a loop integrates. */
function integrate(rho: Float64Array, loop: number): Float64Array {
  const r = new Float64Array(rho.length);
  let sum = 0;
  for (let i = 0; i < rho.length; i++) {
    sum += rho[i]!;
    if (i - loop >= 0) sum -= rho[i - loop]!;
    r[i] = sum;
  }
  return r;
}

function body(n: number, from: number, to: number, level: number, gap?: [number, number]): Float64Array {
  const rho = new Float64Array(n);
  for (let i = from; i < to; i++) rho[i] = gap && i >= gap[0] && i < gap[1] ? 0 : level * (1 + 0.3 * Math.sin(i / 7));
  return rho;
}

describe('reconstructDensity', () => {
  it('recovers a density profile from the loop integral', () => {
    fc.assert(
      fc.property(fc.integer({ min: 20, max: 80 }), fc.integer({ min: 150, max: 600 }), fc.double({ min: 1, max: 100, noNaN: true }), (loop, length, level) => {
        const rho = body(length + 200, 50, 50 + length, level);
        const got = reconstructDensity(integrate(rho, loop), 0, rho.length - 1, loop, 1);
        // Interior (away from the sharp ends, which the ±1 sample slope smears).
        for (let i = 60; i < 40 + length; i++) expect(Math.abs(got[i]! - rho[i]!)).toBeLessThan(0.15 * level);
      }),
      propertyRuns(30),
    );
  }, 60_000);
});
