import { describe, expect, it } from 'vitest';
import { metersNeeded, nextCeiling, PAPER_CLIENT_LEVELS, parseLevels, readingsBudget } from './client-levels.js';

const timing = { warmupSeconds: 10, windowSeconds: 20, drainSeconds: 60 };

describe('parseLevels', () => {
  it('sorts and de-duplicates the client counts', () => {
    expect(parseLevels('100, 4,50,4')).toEqual([4, 50, 100]);
  });

  for (const bad of ['', '4,,x', '0', '-4', '1.5', '4;8']) {
    it(`refuses "${bad}" with a message naming it`, () => {
      expect(() => parseLevels(bad)).toThrow(/client level|no client levels/);
    });
  }

  it('the paper default spans 4 … 1,200 clients', () => {
    expect([PAPER_CLIENT_LEVELS[0], PAPER_CLIENT_LEVELS.at(-1)]).toEqual([4, 1200]);
    expect(PAPER_CLIENT_LEVELS).toContain(600);
  });
});

describe('readingsBudget', () => {
  it('gives every client a transaction at the start, in the warm-up and for the drain, plus the ceiling over the window', () => {
    // 3 × 600 clients + 200 readings/s × 20 s; the warm-up's length does not matter (it ends after a round).
    expect(readingsBudget(600, 1, timing, 200)).toBe(1800 + 4000);
    expect(readingsBudget(600, 1, { ...timing, warmupSeconds: 600 }, 200)).toBe(1800 + 4000);
  });

  it('counts batches in readings and rounds the ceiling up to whole transactions', () => {
    // 3 × 4 transactions + ceil(200 × 20 / 20) = 200 transactions, 20 readings each.
    expect(readingsBudget(4, 20, timing, 200)).toBe((12 + 200) * 20);
    expect(readingsBudget(1, 7, { ...timing, windowSeconds: 1 }, 10)).toBe((3 + 2) * 7);
  });

  it('respects the cap', () => {
    expect(readingsBudget(1200, 1, timing, 200, 5000)).toBe(5000);
  });

  it('refuses nonsense', () => {
    expect(() => readingsBudget(0, 1, timing, 200)).toThrow(/bad budget/);
  });
});

describe('metersNeeded', () => {
  it('is the largest level times the batch, with spare meters for the random arrival order', () => {
    expect(metersNeeded([4, 1200, 50], 1)).toBe(1800);
    expect(metersNeeded([1, 8], 100, 0.25)).toBe(1000);
  });
});

describe('nextCeiling', () => {
  it('starts at the configured ceiling, then follows three times the best rate, within [floor, ceiling]', () => {
    expect(nextCeiling(undefined, 200)).toBe(200);
    expect(nextCeiling(6.5, 200)).toBe(50);
    expect(nextCeiling(40, 200)).toBe(120);
    expect(nextCeiling(150, 200)).toBe(200);
    expect(nextCeiling(Number.NaN, 200)).toBe(200);
  });
});
