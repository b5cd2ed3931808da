import { latencySummary, type LatencySummary } from '../latency-summary.js';

/** One transaction of a closed-loop level, as the client saw it (ms on one monotonic clock). */
export interface TransactionRecord {
  readonly submittedAt: number;
  /** When its commit status arrived; undefined if it failed or never finished. */
  readonly committedAt?: number;
  /** Readings the transaction carried (1 for SubmitReading). */
  readonly readings: number;
  /** Readings recorded (the chaincode may refuse some of a batch). */
  readonly recorded: number;
}

/** What one level of the closed-loop experiment measured. */
export interface LevelSummary {
  readonly clients: number;
  readonly batch: number;
  /** Window length, s. */
  readonly windowSeconds: number;
  /** Transactions committed inside the window. */
  readonly committedTransactions: number;
  readonly transactionsPerSecond: number;
  /** Readings recorded inside the window, per second. */
  readonly readingsPerSecond: number;
  /** Submit → commit latency of the transactions committed inside the window, ms. */
  readonly latencyMs: Pick<LatencySummary, 'p50' | 'p90' | 'p95' | 'p99' | 'max' | 'mean'>;
  /** Commits before the window opened: ≥ clients means every client had come round once (steady state). */
  readonly commitsBeforeWindow: number;
  readonly steady: boolean;
}

const round = (x: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/**
 * Summarises a level from its transactions: only commits whose status arrived inside
 * [windowStart, windowEnd) count, so the start-up burst and the drain stay out of the figure.
 */
export function summariseLevel(clients: number, batch: number, records: readonly TransactionRecord[], windowStart: number, windowEnd: number): LevelSummary {
  if (!(windowEnd > windowStart)) throw new Error(`empty measurement window [${windowStart}, ${windowEnd})`);
  const inWindow = records.filter((r) => r.committedAt !== undefined && r.committedAt >= windowStart && r.committedAt < windowEnd);
  const before = records.filter((r) => r.committedAt !== undefined && r.committedAt < windowStart).length;
  const seconds = (windowEnd - windowStart) / 1000;
  const s = latencySummary(inWindow.map((r) => r.committedAt! - r.submittedAt));
  const recorded = inWindow.reduce((sum, r) => sum + r.recorded, 0);
  return {
    clients, batch, windowSeconds: round(seconds, 2),
    committedTransactions: inWindow.length,
    transactionsPerSecond: round(inWindow.length / seconds),
    readingsPerSecond: round(recorded / seconds),
    latencyMs: { p50: round(s.p50, 0), p90: round(s.p90, 0), p95: round(s.p95, 0), p99: round(s.p99, 0), max: round(s.max, 0), mean: round(s.mean, 0) },
    commitsBeforeWindow: before,
    steady: before >= clients,
  };
}
