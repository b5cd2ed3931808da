import { describe, expect, it } from 'vitest';
import { addGaussianNoise, normalQuantile } from './gaussian-noise.js';
import { createRng, hashKey } from './rng.js';

function draws(key: string, count: number): number[] {
  const rng = createRng(1, key);
  return Array.from({ length: count }, () => rng.nextU32());
}

describe('createRng', () => {
  it('repeats the same stream for the same key path and differs for another', () => {
    expect(draws('a', 50)).toEqual(draws('a', 50));
    expect(draws('a', 50)).not.toEqual(draws('b', 50));
    expect(hashKey('x')).not.toEqual(hashKey('y'));
  });

  it('draws uniform values in range with the right moments', () => {
    const rng = createRng(7);
    let sum = 0, sumSq = 0, normals = 0, normalsSq = 0, lo = 1, hi = 0;
    const ints = new Set<number>();
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      sum += u;
      sumSq += u * u;
      const z = rng.normal();
      normals += z;
      normalsSq += z * z;
      ints.add(rng.int(3, 5));
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect([...ints].sort()).toEqual([3, 4, 5]);
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(sumSq / n - (sum / n) ** 2).toBeCloseTo(1 / 12, 2);
    expect(normals / n).toBeCloseTo(0, 1);
    expect(normalsSq / n).toBeCloseTo(1, 1);
  });

  it('picks weighted indices in proportion', () => {
    const rng = createRng(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[rng.weighted([1, 2, 7])]!++;
    expect(counts[0]! / 30_000).toBeCloseTo(0.1, 1);
    expect(counts[2]! / 30_000).toBeCloseTo(0.7, 1);
  });
});

describe('gaussian noise', () => {
  it('inverts the normal CDF at known points', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
  });

  it('adds noise with the requested standard deviation and zero mean', () => {
    const signal = new Float64Array(100_001);
    addGaussianNoise(signal, 5, createRng(11));
    let sum = 0, sumSq = 0;
    for (const v of signal) {
      sum += v;
      sumSq += v * v;
    }
    const mean = sum / signal.length;
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(Math.sqrt(sumSq / signal.length - mean * mean)).toBeCloseTo(5, 1);
    expect(signal[signal.length - 1]).not.toBe(0);
  });
});
