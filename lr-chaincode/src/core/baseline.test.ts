import { describe, expect, it } from 'vitest';
import { loopResidual, median, smooth } from './baseline.js';
import { seededRandom } from './test-support/loop-signal-generator.js';

describe('median', () => {
  it('matches a sort-based median on random arrays of odd and even length', () => {
    const rnd = seededRandom(42);
    for (let n = 1; n < 60; n++) {
      const values = Array.from({ length: n }, () => Math.round(rnd() * 50));
      const sorted = [...values].sort((a, b) => a - b);
      const expected = n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
      expect(median(values)).toBe(expected);
    }
  });
});

describe('smooth', () => {
  it('keeps a linear ramp unchanged away from the ends', () => {
    const ramp = Float64Array.from({ length: 20 }, (_, i) => 3 * i);
    const out = smooth(ramp, 5);
    for (let i = 2; i < 18; i++) expect(out[i]).toBeCloseTo(3 * i, 10);
  });
});

describe('loopResidual', () => {
  it('removes an arbitrary baseline with linear drift and measures the noise', () => {
    const rnd = seededRandom(9);
    const counts = Uint16Array.from({ length: 2000 }, (_, i) => Math.round(41000 + 0.01 * i + (rnd() - 0.5) * 20));
    const res = loopResidual(counts, 1000);
    let worst = 0;
    for (const v of res.residual) worst = Math.max(worst, Math.abs(v));
    expect(worst).toBeLessThan(10);
    expect(res.sigma).toBeGreaterThan(0.5);
    expect(res.sigma).toBeLessThan(6);
  });
});
