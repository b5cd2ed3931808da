/** Percentiles of a set of latencies, in the unit they were given. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank percentiles (NaN for an empty set), rounded to 0.01. */
export function latencySummary(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number): number => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!);
  const round = (x: number): number => Math.round(x * 100) / 100;
  const mean = sorted.length === 0 ? Number.NaN : sorted.reduce((s, x) => s + x, 0) / sorted.length;
  return { count: sorted.length, p50: round(rank(0.5)), p90: round(rank(0.9)), p95: round(rank(0.95)), p99: round(rank(0.99)), max: round(rank(1)), mean: round(mean) };
}
