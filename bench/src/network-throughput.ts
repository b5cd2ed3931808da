/**
 * End-to-end figures of the embedded network: `upNetwork` in a temp dir (4 orderer replicas,
 * 4 peers, lr-chaincode deployed), the meters registered by Inmetro's registrar, then readings
 * submitted by several city-operator clients through the fabric-gateway adapter at a few offered
 * loads. Reports committed readings/s, submit → commit latency and CPU seconds per member.
 *
 *   npm run bench:network -w bench [-- --seconds 12 --loads r20,r40,w64,r100x20,w8x20,r800x20 --clients 4 --meters 1000]
 *
 * A load is `rR` (paced at R readings/s), `wW` (unpaced, W transactions in flight), either with
 * `xB` for B readings per transaction (SubmitReadings). `--data-dir DIR --keep` leaves the
 * network running in DIR; a later run on DIR needs another `--seed` (new meters, new sequences).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createReadingStream, type GeneratedReading } from '@speedledger/datasets';
import { connectGateway, LedgerError, type LedgerClient } from '@speedledger/ledger-client';
import { connectionProfilePath, downNetwork, findOrg, freeBasePort, identityDir, portSpan, upNetwork } from '@speedledger/network';
import { machineLine } from './harness.js';
import { latencySummary } from './latency-summary.js';
import { cpuDelta, memberCpuSeconds } from './network-fixture.js';
import { MeterQueues, runLoad, type LoadSpec } from './network-load.js';

/** The São Paulo figure: ≈ 1,000 meters at rush hour. */
const SAO_PAULO_TARGET = 800;

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    keep: { type: 'boolean', default: false },
    meters: { type: 'string', default: '1000' },
    clients: { type: 'string', default: '4' },
    loads: { type: 'string', default: 'r20,r40,w64,r100x20,w8x20,r800x20' },
    seconds: { type: 'string', default: '12' },
    'unpaced-readings': { type: 'string', default: '6000' },
    mix: { type: 'string', default: 'default' },
    seed: { type: 'string', default: '1' },
    // 07:30 in São Paulo on a weekday: rush hour.
    start: { type: 'string', default: '2026-03-02T10:30:00Z' },
  },
  strict: true,
});
const meters = Number(values.meters);
const seconds = Number(values.seconds);

function parseLoad(text: string): LoadSpec & { readonly label: string } {
  const m = /^(r|w)(\d+)(?:x(\d+))?$/.exec(text);
  if (!m) throw new Error(`bad load "${text}": expected rR, wW, rRxB or wWxB`);
  const batch = Number(m[3] ?? 1);
  const n = Number(m[2]);
  return m[1] === 'r'
    ? { label: text, rate: n, window: Math.max(64, Math.ceil(n / batch)), batch, seconds, drainSeconds: 60 }
    : { label: text, window: n, batch, seconds, drainSeconds: 60 };
}
const loads = values.loads.split(',').map(parseLoad);

console.log(machineLine());
const dataDir = values['data-dir'] ?? (await mkdtemp(join(tmpdir(), 'bench-network-')));
const log = (line: string): void => console.error(`[up] ${line}`);
const upStart = performance.now();
await upNetwork({ dataDir, basePort: await freeBasePort(portSpan(4)), healthTimeoutMs: 120_000, log });
console.log(JSON.stringify({ bench: 'network-up', dataDir, seconds: Number(((performance.now() - upStart) / 1000).toFixed(1)) }));

const connectAs = (org: string, user: string): Promise<LedgerClient> =>
  connectGateway({ connectionProfile: connectionProfilePath(dataDir, org), mspId: findOrg(org)!.mspId, mspDir: identityDir(dataDir, org, user) });
const registrar = await connectAs('inmetro', 'Registrar');
const clients = await Promise.all(Array.from({ length: Number(values.clients) }, () => connectAs('cityoperator', 'User1')));

const stream = createReadingStream({
  meters, seed: Number(values.seed), speedup: Infinity, startTime: Date.parse(values.start), mix: values.mix as 'default' | 'clean' | 'hard',
});
const readings = stream[Symbol.asyncIterator]();
async function generate(count: number): Promise<GeneratedReading[]> {
  const out: GeneratedReading[] = [];
  while (out.length < count) {
    const r = await readings.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

// Registration: 32 in flight (distinct meter keys do not conflict).
const registerStart = performance.now();
const fleet = [...stream.fleet.meters];
const registrationFailures: Record<string, number> = {};
await Promise.all(Array.from({ length: 32 }, async () => {
  for (let m = fleet.shift(); m !== undefined; m = fleet.shift()) {
    try {
      await registrar.registerMeter(m.meterId, m.publicKeyHex, m.site);
    } catch (error) {
      const code = error instanceof LedgerError ? (error.contractCode ?? error.code) : String(error);
      registrationFailures[code] = (registrationFailures[code] ?? 0) + 1;
    }
  }
}));
const registerSeconds = (performance.now() - registerStart) / 1000;
console.log(JSON.stringify({ bench: 'network-register', meters, seconds: Number(registerSeconds.toFixed(1)), perSecond: Math.round(meters / registerSeconds), failures: registrationFailures }));

// Warm-up (connections, JIT, chaincode containers), not counted.
const warm = new MeterQueues();
warm.add(await generate(100));
await runLoad(clients, warm, { window: 16, batch: 1, seconds: 30, drainSeconds: 30 });

let best = 0;
let anyFailed = false;
for (const load of loads) {
  const queues = new MeterQueues();
  queues.add(await generate(load.rate === undefined ? Number(values['unpaced-readings']) : Math.ceil(load.rate * seconds * 1.05)));
  const cpuBefore = await memberCpuSeconds(dataDir);
  const result = await runLoad(clients, queues, load);
  const cpu = cpuDelta(cpuBefore, await memberCpuSeconds(dataDir));
  const perSecond = result.committed / result.seconds;
  best = Math.max(best, perSecond);
  anyFailed ||= Object.keys(result.failed).length > 0;
  const cpuTotal = [...cpu.values()].reduce((s, x) => s + x, 0);
  const s = latencySummary(result.latenciesMs);
  console.log(JSON.stringify({
    bench: 'network-load', load: load.label, offeredPerSecond: load.rate ?? 'unpaced', window: load.window, batch: load.batch, clients: clients.length,
    offered: result.offered, committed: result.committed, seconds: Number(result.seconds.toFixed(1)), committedPerSecond: Math.round(perSecond),
    latencyMs: { p50: Math.round(s.p50), p90: Math.round(s.p90), p99: Math.round(s.p99), max: Math.round(s.max) },
    refusedInBatch: result.refusedInBatch, failed: result.failed, stalls: result.stalls,
    cpuSeconds: Object.fromEntries(cpu), cpuMsPerCommittedReading: result.committed === 0 ? null : Math.round((cpuTotal * 1000) / result.committed),
    cpuCoresBusy: Number((cpuTotal / result.seconds).toFixed(2)),
  }));
}
console.log(JSON.stringify({ bench: 'network-target', saoPauloReadingsPerSecond: SAO_PAULO_TARGET, bestCommittedPerSecond: Math.round(best), met: best >= SAO_PAULO_TARGET }));

await Promise.all([registrar, ...clients].map((c) => c.close()));
if (values.keep) console.log(`network left running in ${dataDir} (speedledger down --data-dir ${dataDir})`);
else {
  await downNetwork(dataDir, 5_000);
  // Failed transactions: keep the members' logs for whoever looks into them.
  if (anyFailed) console.log(`some transactions failed: network data and logs kept in ${dataDir}`);
  else if (values['data-dir'] === undefined) await rm(dataDir, { recursive: true, force: true });
}
process.exit(0);
