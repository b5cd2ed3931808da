/**
 * The seed paper's experiment, reproducible: `npm run bench -- <clients|batched|ordering|all> [options]`.
 *
 * - clients: closed-loop clients (submit one signed reading, wait for its commit, repeat) at each
 *   client level, against the embedded network with 4 BFT replicas and with a lone orderer (the
 *   solo analogue); committed tx/s and submit → commit p50/p95/p99 per level;
 * - batched: the same with SubmitReadings of 20 and 100 readings per transaction (BFT-4);
 * - ordering: orderer-bft alone, Fabric mode, 1 KB envelopes, N = 4 and 7.
 * Each writes `<out>/<scenario>[-quick].json` and `.svg` (machine, command and load on the figure).
 * `--quick` is `bench:quick`: every scenario reduced (two levels, short windows).
 *
 *   npm run bench -- clients [--levels 4,50,100,200,400,600,800,1000,1200] [--configs bft4,solo]
 *     [--window 20] [--warmup 60] [--drain 60] [--connections 4] [--ceiling 200] [--out DIR]
 *   npm run bench -- batched [--batches '20:1,4,16,32;100:1,4,8']
 *   npm run bench -- ordering [--replicas 4,7] [--ordering-seconds 10] [--ordering-rate 0 (unpaced)]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineLine } from '../harness.js';
import { DEFAULT_BATCH_PLAN, parseBatchPlan, QUICK_BATCH_PLAN, type BatchPlan } from './batched-levels.js';
import { startBenchNetwork } from './bench-network.js';
import { metersNeeded, PAPER_CLIENT_LEVELS, parseLevels, QUICK_CLIENT_LEVELS, type LevelTiming } from './client-levels.js';
import type { MeasuredSeries } from './clients-figure.js';
import { intrinsicFloor } from './intrinsic-floor.js';
import { runLevels, type LevelReport } from './level-runner.js';
import { measureOperationCosts } from './operation-costs.js';
import { runOrdering, type OrderingRun } from './ordering-scenario.js';
import { renderScenario } from './render.js';

const SCENARIOS = ['clients', 'batched', 'ordering', 'all'] as const;
type Scenario = (typeof SCENARIOS)[number];
const CONFIGS: Record<string, { orderers: number; label: string }> = {
  bft4: { orderers: 4, label: 'embedded, orderer-bft 4 replicas (BFT)' },
  bft7: { orderers: 7, label: 'embedded, orderer-bft 7 replicas (BFT)' },
  solo: { orderers: 1, label: 'embedded, 1 orderer replica (solo analogue)' },
};

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    levels: { type: 'string' },
    configs: { type: 'string', default: 'bft4,solo' },
    window: { type: 'string' },
    warmup: { type: 'string' },
    drain: { type: 'string' },
    connections: { type: 'string', default: '4' },
    ceiling: { type: 'string', default: '200' },
    batches: { type: 'string' },
    replicas: { type: 'string', default: '4,7' },
    'ordering-seconds': { type: 'string' },
    'ordering-rate': { type: 'string' },
    seed: { type: 'string', default: '11' },
    out: { type: 'string' },
  },
  strict: true,
});

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}

const scenario = (positionals[0] ?? 'all') as Scenario;
if (!SCENARIOS.includes(scenario) || positionals.length > 1) fail(`usage: npm run bench -- <${SCENARIOS.join('|')}> [options] (got ${positionals.join(' ') || 'nothing'})`);
const quick = values.quick;
const number = (text: string | undefined, fallback: number, name: string): number => {
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isFinite(n) || n <= 0) fail(`--${name} must be a positive number, not ${text}`);
  return n;
};
const timing: LevelTiming = {
  warmupSeconds: number(values.warmup, quick ? 4 : 60, 'warmup'),
  windowSeconds: number(values.window, quick ? 6 : 20, 'window'),
  drainSeconds: number(values.drain, quick ? 20 : 60, 'drain'),
};
let clientLevels: number[];
let batchPlan: BatchPlan[];
let replicaCounts: number[];
try {
  clientLevels = values.levels === undefined ? [...(quick ? QUICK_CLIENT_LEVELS : PAPER_CLIENT_LEVELS)] : parseLevels(values.levels);
  batchPlan = parseBatchPlan(values.batches ?? (quick ? QUICK_BATCH_PLAN : DEFAULT_BATCH_PLAN));
  replicaCounts = parseLevels(values.replicas);
} catch (error) {
  fail((error as Error).message);
}
const configs = values.configs.split(',').map((c) => {
  const config = CONFIGS[c.trim()];
  if (config === undefined) fail(`unknown config "${c}" in --configs (known: ${Object.keys(CONFIGS).join(', ')})`);
  return config;
});
const connections = number(values.connections, 4, 'connections');
const ceiling = number(values.ceiling, 200, 'ceiling');
const orderingSeconds = number(values['ordering-seconds'], quick ? 5 : 10, 'ordering-seconds');
const orderingRate = values['ordering-rate'] === undefined ? (quick ? 500 : 0) : Number(values['ordering-rate']);
if (!(Number.isInteger(orderingRate) && orderingRate >= 0)) fail(`--ordering-rate must be an integer ≥ 0 (0 = unpaced), not ${values['ordering-rate']}`);
const outDir = resolve(values.out ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'results'));
const suffix = quick ? '-quick' : '';
const load = (): number[] => loadavg().map((l) => Number(l.toFixed(1)));
// Exact: `npm run bench:quick` is `npm run bench -- all --quick`.
const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
const log = (line: string): void => console.error(`[bench] ${line}`);
const started = new Date();
const startLoad = load();
console.log(machineLine());
console.log(`command: ${command}; load average at start ${startLoad.join(' ')}`);

async function writeOutputs(name: string, json: unknown, svg: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, `${name}${suffix}.json`), `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(join(outDir, `${name}${suffix}.svg`), svg);
  console.log(`wrote ${join(outDir, `${name}${suffix}.json`)} and .svg`);
}

const printLevel = (tag: string) => (r: LevelReport): void => {
  console.log(JSON.stringify({ bench: tag, ...r }));
};

const wantClients = scenario === 'clients' || scenario === 'all';
const wantBatched = scenario === 'batched' || scenario === 'all';
const clientSeries: (MeasuredSeries & { orderers: number; levels: LevelReport[]; upSeconds: number; registerSeconds: number; meters: number; registrationFailures: Record<string, number> })[] = [];
const batchedSeries: (MeasuredSeries & { batch: number; levels: LevelReport[] })[] = [];
let anyFailure = false;

if (wantClients || wantBatched) {
  const runConfigs = wantClients ? configs : configs.filter((c) => c.orderers === 4).slice(0, 1);
  if (runConfigs.length === 0) runConfigs.push(CONFIGS.bft4!);
  for (const [i, config] of runConfigs.entries()) {
    const batchedHere = wantBatched && i === 0;
    const meters = Math.max(wantClients ? metersNeeded(clientLevels, 1) : 1, ...(batchedHere ? batchPlan.map((p) => metersNeeded(p.levels, p.batch)) : [1]));
    log(`${config.label}: starting the network, ${meters} meters`);
    const network = await startBenchNetwork({ orderers: config.orderers, meters, connections, seed: Number(values.seed), log: (l) => log(`  ${l}`) });
    console.log(JSON.stringify({ bench: 'experiment-network', orderers: config.orderers, dataDir: network.dataDir, upSeconds: Math.round(network.upSeconds), meters, registerSeconds: Math.round(network.registerSeconds), registrationFailures: network.registrationFailures }));
    let failedHere = false;
    try {
      // Warm-up (connections, JIT, chaincode containers), not counted.
      await runLevels(network, { levels: [8], batch: 1, timing: { warmupSeconds: 1, windowSeconds: quick ? 3 : 8, drainSeconds: 30 }, ceilingReadingsPerSecond: Math.min(ceiling, 50), loadAverage: load, onLevel: () => undefined });
      if (wantClients) {
        const levels = await runLevels(network, { levels: clientLevels, batch: 1, timing, ceilingReadingsPerSecond: ceiling, loadAverage: load, onLevel: printLevel(`clients-${config.orderers}o`) });
        clientSeries.push({ label: config.label, orderers: config.orderers, levels, upSeconds: network.upSeconds, registerSeconds: network.registerSeconds, meters, registrationFailures: network.registrationFailures });
        failedHere ||= levels.some((l) => Object.keys(l.failed).length > 0 || l.unfinished > 0);
      }
      if (batchedHere) {
        for (const plan of batchPlan) {
          const levels = await runLevels(network, { levels: plan.levels, batch: plan.batch, timing, ceilingReadingsPerSecond: ceiling, loadAverage: load, onLevel: printLevel(`batched-${plan.batch}`) });
          batchedSeries.push({ label: `${config.label}, ${plan.batch} readings per tx`, batch: plan.batch, levels });
          failedHere ||= levels.some((l) => Object.keys(l.failed).length > 0 || l.unfinished > 0);
        }
      }
    } finally {
      await network.close(failedHere);
      if (failedHere) console.log(`some transactions failed: network data and logs kept in ${network.dataDir}`);
      anyFailure ||= failedHere;
    }
  }
}

const costs = measureOperationCosts();
const floors = {
  operationCostsUs: { verify: Math.round(costs.verifyUs), sign: Math.round(costs.signUs), lr: Math.round(costs.lrUs) },
  oneReadingBft4: intrinsicFloor(1, 4, costs), oneReadingSolo: intrinsicFloor(1, 1, costs),
  ...Object.fromEntries(batchPlan.map((p) => [`batch${p.batch}Bft4`, intrinsicFloor(p.batch, 4, costs)])),
};
console.log(JSON.stringify({ bench: 'intrinsic-floor', ...floors.operationCostsUs, oneReadingBft4Us: Math.round(floors.oneReadingBft4.perTransactionUs) }));

const common = (): { machine: string; command: string; started: string; startLoad: number[]; endLoad: number[] } => ({ machine: machineLine(), command, started: started.toISOString(), startLoad, endLoad: load() });
if (wantClients) {
  const json = { scenario: 'clients' as const, ...common(), timing, connections, series: clientSeries, floor: floors };
  await writeOutputs('clients', json, renderScenario(json));
}
if (wantBatched) {
  const json = { scenario: 'batched' as const, ...common(), timing, connections, series: batchedSeries, floor: floors };
  await writeOutputs('batched', json, renderScenario(json));
}
if (scenario === 'ordering' || scenario === 'all') {
  const runs: OrderingRun[] = [];
  for (const replicas of replicaCounts) {
    const run = await runOrdering(replicas, orderingSeconds, orderingRate, log);
    console.log(JSON.stringify(run));
    runs.push(run);
  }
  const json = { scenario: 'ordering' as const, ...common(), seconds: orderingSeconds, rate: orderingRate, runs };
  await writeOutputs('ordering', json, renderScenario(json));
}
console.log(`done in ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s; load average ${load().join(' ')}`);
process.exit(anyFailure ? 1 : 0);
