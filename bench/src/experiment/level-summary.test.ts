import { describe, expect, it } from 'vitest';
import { summariseLevel, type TransactionRecord } from './level-summary.js';

describe('summariseLevel', () => {
  // Window [1000, 3000): 2 s.
  const records: TransactionRecord[] = [
    { submittedAt: 0, committedAt: 900, readings: 1, recorded: 1 }, // before the window
    { submittedAt: 500, committedAt: 1000, readings: 1, recorded: 1 }, // at its start: counts
    { submittedAt: 1000, committedAt: 1200, readings: 1, recorded: 1 },
    { submittedAt: 1500, committedAt: 2999, readings: 1, recorded: 1 },
    { submittedAt: 2000, committedAt: 3000, readings: 1, recorded: 1 }, // at its end: does not count
    { submittedAt: 2500, readings: 1, recorded: 0 }, // failed
  ];

  it('counts only commits inside the window, and their latencies', () => {
    const s = summariseLevel(2, 1, records, 1000, 3000);
    expect(s).toMatchObject({ clients: 2, windowSeconds: 2, committedTransactions: 3, transactionsPerSecond: 1.5, readingsPerSecond: 1.5, commitsBeforeWindow: 1, steady: false });
    expect(s.latencyMs).toMatchObject({ p50: 500, p99: 1499, max: 1499 });
  });

  it('is steady once every client committed before the window opened', () => {
    expect(summariseLevel(1, 1, records, 1000, 3000).steady).toBe(true);
  });

  it('counts recorded readings of batches, not transactions, as readings/s', () => {
    const batch: TransactionRecord[] = [{ submittedAt: 0, committedAt: 100, readings: 20, recorded: 18 }, { submittedAt: 0, committedAt: 200, readings: 20, recorded: 20 }];
    expect(summariseLevel(2, 20, batch, 0, 1000)).toMatchObject({ transactionsPerSecond: 2, readingsPerSecond: 38 });
  });

  it('gives NaN latencies and zero throughput when nothing committed in the window', () => {
    const s = summariseLevel(4, 1, [{ submittedAt: 0, readings: 1, recorded: 0 }], 0, 1000);
    expect(s.transactionsPerSecond).toBe(0);
    expect(Number.isNaN(s.latencyMs.p50)).toBe(true);
  });

  it('refuses an empty window', () => {
    expect(() => summariseLevel(1, 1, records, 1000, 1000)).toThrow(/empty measurement window/);
  });
});
