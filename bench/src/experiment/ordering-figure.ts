import type { PlotFigure } from './figure-svg.js';
import type { OrderingRun } from './ordering-scenario.js';

/** Issue 4's ordering goal, envelopes/s (Fabric mode, 1 KB). */
export const ORDERING_GOAL = 10_000;

/** The ordering scenario: envelopes/s and ordering latency against the number of replicas. */
export function orderingFigure(runs: readonly OrderingRun[], caption: readonly string[]): PlotFigure {
  const latency = (pick: 'p50' | 'p99'): { x: number; y: number }[] => runs.flatMap((r) => (r.latencyMs[pick] === null ? [] : [{ x: r.replicas, y: r.latencyMs[pick]! / 1000 }]));
  return {
    title: 'orderer-bft alone, Fabric mode, 1 KB envelopes',
    panels: [
      {
        title: 'Ordering throughput', xLabel: 'replicas (N = 3f+1)', yLabel: 'envelopes/s delivered',
        series: [
          { label: 'orderer-bft (ours)', color: '#1f5fbf', kind: 'line', marker: 'circle', points: runs.map((r) => ({ x: r.replicas, y: r.envelopesPerSecond, note: `${r.envelopesPerSecond}/s` })) },
          { label: `issue 4 goal ${ORDERING_GOAL.toLocaleString('en')} envelopes/s`, color: '#000', kind: 'hline', dashed: true, points: [{ x: 0, y: ORDERING_GOAL }] },
        ],
      },
      {
        title: 'Ordering latency (send → block on a follower)', xLabel: 'replicas (N = 3f+1)', yLabel: 'seconds',
        series: [
          { label: 'orderer-bft p50', color: '#1f5fbf', kind: 'line', marker: 'circle', points: latency('p50') },
          { label: 'orderer-bft p99', color: '#1f5fbf', kind: 'line', dashed: true, marker: 'square', points: latency('p99') },
        ],
      },
    ],
    caption,
  };
}
