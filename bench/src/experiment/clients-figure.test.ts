import { describe, expect, it } from 'vitest';
import { clientsFigure } from './clients-figure.js';
import type { LevelSummary } from './level-summary.js';

function level(clients: number, tps: number, p50: number, p99: number): LevelSummary {
  return {
    clients, batch: 1, windowSeconds: 20, committedTransactions: tps * 20, transactionsPerSecond: tps, readingsPerSecond: tps,
    latencyMs: { p50, p90: p99, p95: p99, p99, max: p99, mean: p50 }, commitsBeforeWindow: clients, steady: true,
  };
}

describe('clientsFigure', () => {
  const figure = clientsFigure([{ label: 'BFT-4', levels: [level(4, 20, 200, 400), level(600, 50, 12_000, 20_000)] }], ['machine: x']);
  const [throughput, latency] = figure.panels;

  it('draws our throughput against clients and our p50 and p99 latency in seconds', () => {
    expect(throughput!.series[0]!.points).toEqual([{ x: 4, y: 20 }, { x: 600, y: 50 }]);
    expect(latency!.series[0]!.points).toEqual([{ x: 4, y: 0.2 }, { x: 600, y: 12 }]);
    expect(latency!.series[1]).toMatchObject({ dashed: true, points: [{ x: 4, y: 0.4 }, { x: 600, y: 20 }] });
  });

  it('puts the paper\'s BFT-SMaRt points beside ours, and its solo figure as a horizontal reference', () => {
    const paper = throughput!.series.find((s) => s.label.includes('BFT-SMaRt'))!;
    expect(paper.points.map((p) => [p.x, p.y])).toEqual([[600, 380], [1200, 360]]);
    expect(latency!.series.find((s) => s.label.includes('BFT-SMaRt'))!.points.map((p) => [p.x, p.y])).toEqual([[600, 1.6]]);
    const solo = throughput!.series.find((s) => s.label.includes('solo'))!;
    expect(solo).toMatchObject({ kind: 'hline', points: [{ y: 300 }] });
  });

  it('draws no latency for a level that committed nothing in its window, and says so on the throughput', () => {
    const empty = { ...level(600, 0, 0, 0), committedTransactions: 0, latencyMs: { p50: null, p90: null, p95: null, p99: null, max: null, mean: null } } as unknown as LevelSummary;
    const f = clientsFigure([{ label: 'x', levels: [level(4, 20, 200, 400), empty] }], []);
    expect(f.panels[1]!.series[0]!.points.map((p) => p.x)).toEqual([4]);
    expect(f.panels[0]!.series[0]!.points[1]).toMatchObject({ x: 600, y: 0, note: 'no commit in window' });
  });

  it('gives both panels one x range, wide enough for the paper\'s 1,200 clients', () => {
    expect(throughput!.xMax).toBe(1200);
    expect(latency!.xMax).toBe(1200);
  });

  it('draws batches in readings/s without the one-reading reference points', () => {
    const batched = clientsFigure([{ label: 'x', levels: [{ ...level(4, 5, 1000, 2000), batch: 20, readingsPerSecond: 100 }] }], [], 20);
    expect(batched.panels[0]!.series.map((s) => s.points.map((p) => p.y))).toEqual([[100]]);
    expect(batched.panels[0]!.yLabel).toBe('committed readings/s');
  });
});
