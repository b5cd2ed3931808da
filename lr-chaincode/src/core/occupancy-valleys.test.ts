import { describe, expect, it } from 'vitest';
import { findDeepValleys, type ValleyCriteria } from './occupancy-valleys.js';

const criteria: ValleyCriteria = { humpFloor: 10, maxRatio: 0.7, minDrop: 5, maxValleys: 4 };

/** Raised-cosine humps of given centre, half-width and height, summed over `n` samples. */
function humps(n: number, list: [number, number, number][]): Float64Array {
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (const [c, w, h] of list) {
      const d = (i - c) / w;
      if (d > -1 && d < 1) r[i]! += (h * (1 + Math.cos(Math.PI * d))) / 2;
    }
  }
  return r;
}

describe('findDeepValleys', () => {
  it('finds the dip between two overlapping humps and measures it against the lower hump', () => {
    const r = humps(200, [[60, 40, 100], [130, 40, 60]]);
    const valleys = findDeepValleys(r, 0, 199, criteria);
    expect(valleys).toHaveLength(1);
    const v = valleys[0]!;
    expect(v.index).toBeGreaterThan(60);
    expect(v.index).toBeLessThan(130);
    expect(v.lowerHump).toBeCloseTo(60, 0);
    expect(v.higherHump).toBeCloseTo(100, 0);
    expect(v.ratio).toBeCloseTo(v.level / v.lowerHump, 12);
    expect(v.ratio).toBeLessThan(0.7);
  });

  it('sees no valley in a single hump or a shallow saddle', () => {
    expect(findDeepValleys(humps(200, [[100, 60, 100]]), 0, 199, criteria)).toEqual([]);
    // Two humps so close that the saddle stays above 70 % of the lower one.
    const saddle = humps(200, [[85, 40, 100], [115, 40, 100]]);
    expect(findDeepValleys(saddle, 0, 199, criteria)).toEqual([]);
  });

  it('finds several valleys in time order, and no more than maxValleys', () => {
    const r = humps(400, [[50, 30, 100], [130, 30, 80], [210, 30, 90], [300, 30, 70]]);
    const all = findDeepValleys(r, 0, 399, criteria);
    expect(all.map((v) => v.index)).toEqual([...all.map((v) => v.index)].sort((a, b) => a - b));
    expect(all).toHaveLength(3);
    expect(findDeepValleys(r, 0, 399, { ...criteria, maxValleys: 2 })).toHaveLength(2);
  });

  it('ignores humps under the floor and drops smaller than the noise guard', () => {
    const weak = humps(200, [[60, 40, 8], [130, 40, 8]]);
    expect(findDeepValleys(weak, 0, 199, criteria)).toEqual([]);
    const shallowInCounts = humps(200, [[60, 40, 12], [130, 40, 12]]);
    expect(findDeepValleys(shallowInCounts, 0, 199, { ...criteria, minDrop: 20 })).toEqual([]);
  });

  it('handles empty, reversed and out-of-range bounds without throwing', () => {
    const r = humps(50, [[25, 10, 100]]);
    expect(findDeepValleys(r, 10, 5, criteria)).toEqual([]);
    expect(findDeepValleys(r, -20, 500, criteria)).toEqual([]);
    expect(findDeepValleys(new Float64Array(0), 0, 0, criteria)).toEqual([]);
  });
});
