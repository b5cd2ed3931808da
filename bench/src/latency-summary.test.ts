import { describe, expect, it } from 'vitest';
import { latencySummary } from './latency-summary.js';

describe('latencySummary', () => {
  it('gives nearest-rank percentiles whatever the input order', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(latencySummary(values)).toEqual({ count: 100, p50: 50, p90: 90, p95: 95, p99: 99, max: 100, mean: 50.5 });
  });

  it('is NaN for no values and the value itself for one', () => {
    expect(Number.isNaN(latencySummary([]).p50)).toBe(true);
    expect(latencySummary([7.123])).toMatchObject({ p50: 7.12, p99: 7.12, max: 7.12 });
  });
});
