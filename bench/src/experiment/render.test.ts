import { describe, expect, it } from 'vitest';
import { captionOf, renderScenario } from './render.js';

const base = { machine: 'machine: 2 × EPYC', command: 'npm run bench -- ordering', started: '2026-12-04T04:30:00.000Z', startLoad: [20, 18, 12], endLoad: [22, 19, 13] };

describe('renderScenario', () => {
  it('puts the machine, the exact command and the load average on every figure', () => {
    const caption = captionOf({ scenario: 'ordering', ...base, seconds: 10, rate: 0, runs: [] });
    expect(caption.slice(0, 3)).toEqual([
      'machine: 2 × EPYC', 'command: npm run bench -- ordering   (2026-12-04T04:30Z)',
      'load average (1/5/15 min) at start 20 18 12, at end 22 19 13 — the 2 cores are shared with other work',
    ]);
    expect(caption[3]).toContain('10 s per N, unpaced');
  });

  it('draws the ordering runs against N with issue 4\'s goal', () => {
    const run = { bench: 'orderer-cluster' as const, replicas: 7, envelopesPerSecond: 1234, sent: 1, delivered: 1, undelivered: 0, refused: 0, seconds: 1, latencyMs: { p50: 100, p90: 200, p95: 250, p99: 300, max: 400 }, loadAfter: [1, 1, 1] };
    const svg = renderScenario({ scenario: 'ordering', ...base, seconds: 10, rate: 0, runs: [run] });
    expect(svg).toContain('>1234/s<');
    expect(svg).toContain('issue 4 goal 10,000 envelopes/s');
  });

  it('titles a batched figure as such and says throughput is in readings', () => {
    const svg = renderScenario({ scenario: 'batched', ...base, timing: { warmupSeconds: 10, windowSeconds: 20, drainSeconds: 60 }, series: [] });
    expect(svg).toContain('<title>speedledger batched readings (SubmitReadings)</title>');
    expect(svg).toContain('throughput in committed readings/s');
  });
});
