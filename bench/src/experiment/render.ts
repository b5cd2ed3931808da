/**
 * Redraws a scenario's SVG from its JSON (after a change to the drawing, without re-running the
 * network): `node bench/dist/experiment/render.js bench/results/clients.json [more.json …]`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { clientsFigure, type MeasuredSeries } from './clients-figure.js';
import { renderFigure } from './figure-svg.js';
import type { LevelTiming } from './client-levels.js';
import { orderingFigure } from './ordering-figure.js';
import type { OrderingRun } from './ordering-scenario.js';

interface ScenarioJson {
  readonly scenario: 'clients' | 'batched' | 'ordering';
  readonly machine: string;
  readonly command: string;
  readonly started: string;
  readonly startLoad: readonly number[];
  readonly endLoad: readonly number[];
  readonly timing?: LevelTiming;
  readonly connections?: number;
  readonly series?: (MeasuredSeries & { batch?: number })[];
  readonly runs?: OrderingRun[];
  readonly seconds?: number;
  readonly rate?: number;
}

/** The caption every figure carries, from what the JSON recorded. */
export function captionOf(json: ScenarioJson): string[] {
  const lines = [
    json.machine,
    `command: ${json.command}   (${json.started.slice(0, 16)}Z)`,
    `load average (1/5/15 min) at start ${json.startLoad.join(' ')}, at end ${json.endLoad.join(' ')} — the 2 cores are shared with other work`,
  ];
  if (json.timing !== undefined) {
    const t = json.timing;
    lines.push(`closed loop: window ${t.windowSeconds} s after ≤ ${t.warmupSeconds} s warm-up (until every client committed once), drain ≤ ${t.drainSeconds} s; ${json.connections ?? 4} gateway connections; 4 peers, OutOf(2)`);
  }
  if (json.scenario === 'batched') lines.push('throughput in committed readings/s; one transaction carries a batch');
  if (json.scenario === 'ordering') lines.push(`orderer-bft bench:cluster --fabric, ${json.seconds ?? '?'} s per N, ${json.rate === undefined || json.rate === 0 ? 'unpaced' : `paced ${json.rate}/s`}, 4 Broadcast streams, window 4,000, batchMaxCount 1,000`);
  return lines;
}

/** The SVG of one scenario JSON. */
export function renderScenario(json: ScenarioJson): string {
  if (json.scenario === 'ordering') return renderFigure(orderingFigure(json.runs ?? [], captionOf(json)));
  const series = json.series ?? [];
  if (json.scenario === 'batched') {
    const figure = clientsFigure(series, captionOf(json), series[0]?.batch ?? 20);
    return renderFigure({ ...figure, title: 'speedledger batched readings (SubmitReadings)' });
  }
  return renderFigure(clientsFigure(series, captionOf(json)));
}

if (process.argv[1]?.endsWith('render.js') === true) {
  for (const file of process.argv.slice(2)) {
    const json = JSON.parse(await readFile(file, 'utf8')) as ScenarioJson;
    const out = file.replace(/\.json$/, '.svg');
    await writeFile(out, renderScenario(json));
    console.log(`wrote ${out}`);
  }
}
