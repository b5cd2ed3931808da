import type { PlotFigure, PlotSeries } from './figure-svg.js';
import type { LevelSummary } from './level-summary.js';
import { PAPER_BFT_SMART, PAPER_SOLO, REAL_FABRIC_SMARTBFT, type ReferenceSet } from './reference-figures.js';

/** One measured configuration (e.g. BFT-4 or the lone orderer) and its levels. */
export interface MeasuredSeries {
  readonly label: string;
  readonly levels: readonly LevelSummary[];
}

const OURS = ['#1f5fbf', '#d0582a', '#2a9d4b', '#7a3fb0'];
const REFERENCE = '#777';

function referenceSeries(ref: ReferenceSet, pick: 'tx' | 'latency', color: string, marker: PlotSeries['marker']): PlotSeries | undefined {
  const points = ref.points.flatMap((p) => {
    const y = pick === 'tx' ? p.transactionsPerSecond : p.latencySeconds;
    return p.clients !== undefined && y !== undefined ? [{ x: p.clients, y, note: pick === 'tx' ? `${y} tx/s` : `${y} s` }] : [];
  });
  if (points.length > 0) return { label: ref.label, color, kind: 'points', marker, points };
  const level = ref.points.find((p) => (pick === 'tx' ? p.transactionsPerSecond : p.latencySeconds) !== undefined);
  const y = level === undefined ? undefined : pick === 'tx' ? level.transactionsPerSecond : level.latencySeconds;
  return y === undefined ? undefined : { label: `${ref.label} (≈ ${y}${pick === 'tx' ? ' tx/s' : ' s'}, clients not given)`, color, kind: 'hline', dashed: true, points: [{ x: 0, y }] };
}

/**
 * The closed-loop experiment drawn like the seed paper's Figs. 4–5: committed tx/s against
 * clients, and submit → commit latency (p50 solid, p99 dashed) against clients, with the paper's
 * points and real Fabric's beside ours.
 */
export function clientsFigure(measured: readonly MeasuredSeries[], caption: readonly string[], batch = 1): PlotFigure {
  const unit = batch === 1 ? 'tx/s (one reading each)' : `readings/s (${batch} per tx)`;
  const throughput: PlotSeries[] = measured.map((m, i) => ({
    label: `ours: ${m.label}`, color: OURS[i % OURS.length]!, kind: 'line', marker: 'circle',
    points: m.levels.map((l) => ({
      x: l.clients, y: batch === 1 ? l.transactionsPerSecond : l.readingsPerSecond,
      ...(l.committedTransactions === 0 ? { note: 'no commit in window' } : {}),
    })),
  }));
  // A level with no commit in its window has no latency to draw (JSON turns its NaN into null).
  const measuredLatency = (levels: readonly LevelSummary[], pick: 'p50' | 'p99'): { x: number; y: number }[] => levels.flatMap((l) => {
    const ms = l.latencyMs[pick] as number | null;
    return l.committedTransactions === 0 || ms === null || !Number.isFinite(ms) ? [] : [{ x: l.clients, y: ms / 1000 }];
  });
  const latency: PlotSeries[] = measured.flatMap((m, i): PlotSeries[] => [
    { label: `ours: ${m.label}`, color: OURS[i % OURS.length]!, kind: 'line', marker: 'circle', points: measuredLatency(m.levels, 'p50') },
    { label: `ours: ${m.label}, p99`, color: OURS[i % OURS.length]!, kind: 'line', dashed: true, marker: 'square', points: measuredLatency(m.levels, 'p99') },
  ]);
  if (batch === 1) {
    const refs: [ReferenceSet, string, PlotSeries['marker']][] = [[PAPER_BFT_SMART, '#000', 'diamond'], [PAPER_SOLO, REFERENCE, 'diamond'], [REAL_FABRIC_SMARTBFT, '#b8860b', 'square']];
    for (const [ref, color, shape] of refs) {
      const t = referenceSeries(ref, 'tx', color, shape);
      if (t !== undefined) throughput.push(t);
      const l = referenceSeries(ref, 'latency', color, shape);
      if (l !== undefined) latency.push(l);
    }
  }
  const xMax = Math.max(1, ...[...throughput, ...latency].filter((s) => s.kind !== 'hline').flatMap((s) => s.points.map((p) => p.x)));
  return {
    title: 'speedledger closed-loop clients: throughput and latency against clients',
    panels: [
      { title: `Throughput (${unit})`, xLabel: 'concurrent clients', yLabel: batch === 1 ? 'committed tx/s' : 'committed readings/s', series: throughput, xMax },
      { title: 'Latency, submit → commit (p50 solid, p99 dashed)', xLabel: 'concurrent clients', yLabel: 'seconds', series: latency, xMax },
    ],
    caption,
  };
}
