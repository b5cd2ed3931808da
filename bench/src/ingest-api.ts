/**
 * The ingest API's own ceiling: readings per second one API process (one event loop, pinned to
 * one core with taskset when available) accepts and durably enqueues — DLR1 decode, the edge
 * signature check against the registry cache, the atomic accept script and the BullMQ job add,
 * each acknowledged by a Redis running appendonly yes + appendfsync always — driven by
 * autocannon. No workers run, so the figure is intake only; the ledger behind the registry
 * cache is a stub answering from the fleet (every meter is cached after its first reading).
 *
 *   npm run bench:ingest-api -w bench [-- --seconds 15 --connections 100 --readings 100000 --fsync always --core 0]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createDataset, encodeSignedDlr1, type FleetMeter } from '@speedledger/datasets';
import { freePorts } from '@speedledger/orderer-bft/cli';
import type { MeterRecord } from '@speedledger/lr-chaincode/contract';
import { decodeDlr1 } from '@speedledger/lr-chaincode/core';
import { buildApi, DEFAULT_API_LIMITS, IngestQueue, MeterRegistryCache, OperatorKeys, ReadingStore, redisServerArgs, type ReadingLedger } from '@speedledger/sensor-ingest';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { machineLine } from './harness.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    connections: { type: 'string', default: '100' },
    readings: { type: 'string', default: '20000' },
    meters: { type: 'string', default: '1000' },
    fsync: { type: 'string', default: 'always' },
    core: { type: 'string', default: '0' },
    serve: { type: 'string' },
    'cpu-prof': { type: 'string' },
    fleet: { type: 'string' },
  },
  strict: true,
});

/** A registry that knows the fleet: what the edge cache reads once per meter. */
function stubLedger(meters: readonly FleetMeter[]): ReadingLedger {
  const byId = new Map(meters.map((m) => [m.meterId, m]));
  return {
    submitReadings: () => Promise.reject(new Error('no workers in this benchmark')),
    getMeasurement: () => Promise.reject(new Error('no workers in this benchmark')),
    async getMeter(meterId: string): Promise<MeterRecord> {
      const m = byId.get(meterId);
      if (!m) throw Object.assign(new Error(`[NOT_FOUND] ${meterId}`), { code: 'CONTRACT_REJECTED', contractCode: 'NOT_FOUND' });
      return { meterId, publicKeyHex: m.publicKeyHex, site: m.site, status: 'ACTIVE', registeredBy: { mspId: 'InmetroMSP', id: 'Registrar' }, registeredTxId: 'bench', registeredAt: new Date(0).toISOString() } as MeterRecord;
    },
  };
}

// Child role: the API alone, so its core is not shared with autocannon.
if (values.serve !== undefined) {
  const [port, redisPort] = values.serve.split(':').map(Number);
  const meters = createDataset({ meters: Number(values.meters), readings: 0, seed: 1, mix: 'clean' }).fleet.meters;
  const connection = { host: '127.0.0.1', port: redisPort!, maxRetriesPerRequest: null };
  // As ingest serve composes it (runtime/ingest-service): the store's client auto-pipelines.
  const redis = new Redis({ ...connection, enableAutoPipelining: true });
  const store = new ReadingStore(redis, 'bench');
  const queue = new IngestQueue(connection, 'bench:bull');
  const app = await buildApi({
    store, queue, registry: new MeterRegistryCache(stubLedger(meters)), operators: new OperatorKeys(redis, store.operatorsKey),
    log: pino({ level: 'warn' }), ledgerReachable: async () => undefined,
  }, { ...DEFAULT_API_LIMITS, highWater: 10_000_000 });
  await app.listen({ host: '127.0.0.1', port: port! });
  process.stdout.write('listening\n');
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
} else {
  await main();
}

/** CPU seconds (user + system) a process has used, from /proc (0 when unreadable). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main(): Promise<void> {
  console.log(machineLine());
  const seconds = Number(values.seconds);
  const count = Number(values.readings);
  const meterCount = Number(values.meters);
  // Distinct readings: one real reading per meter, re-signed under fresh seqs (a duplicate would be cheaper).
  const t0 = performance.now();
  const dataset = createDataset({ meters: meterCount, readings: meterCount * 2, seed: 1, mix: 'clean' });
  const bases = new Map<string, ReturnType<typeof decodeDlr1> & { ok: true }>();
  for (const r of dataset.readings()) {
    const d = decodeDlr1(r.bytes);
    if (d.ok && !bases.has(r.truth.meterId)) bases.set(r.truth.meterId, d);
  }
  const baseList = [...bases.values()];
  const bodies: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const { reading } = baseList[i % baseList.length]!;
    const signer = dataset.signers.get(reading.meterId)!;
    bodies.push(Buffer.from(encodeSignedDlr1({ meterId: reading.meterId, seq: BigInt(1_000_000 + Math.floor(i / baseList.length)), t0Us: reading.t0Us, sampleRateHz: reading.sampleRateHz, loopA: reading.loopA, loopB: reading.loopB }, signer)));
  }
  console.log(`prepared ${count} distinct signed readings of ${baseList.length} meters (mean ${Math.round(bodies.reduce((a, b) => a + b.length, 0) / count)} bytes) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const dir = await mkdtemp(join(tmpdir(), 'bench-ingest-redis-'));
  const [redisPort, apiPort] = await freePorts(2, '127.0.0.1');
  const redisProc = spawn('redis-server', redisServerArgs({ port: redisPort!, dir, settings: { appendfsync: values.fsync! } }), { stdio: 'ignore' });
  let api: ChildProcess | undefined;
  try {
    const probe = new Redis({ port: redisPort!, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await waitFor('redis-server', async () => {
      if (probe.status !== 'ready') await probe.connect();
      return (await probe.ping()) === 'PONG';
    });
    const pin = values.core !== '' && existsSync('/usr/bin/taskset') ? ['taskset', '-c', values.core!] : [];
    const self = fileURLToPath(import.meta.url);
    const prof = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : [];
    const argv = [...pin, process.execPath, ...prof, self, '--serve', `${apiPort}:${redisPort}`, '--meters', String(meterCount)];
    api = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] });
    const url = `http://127.0.0.1:${apiPort}`;
    await waitFor('ingest API', async () => (await fetch(`${url}/healthz`)).ok, 60_000);
    let next = 0;
    const request = { method: 'POST', path: '/v1/readings', headers: { 'content-type': 'application/octet-stream' }, setupRequest: <R extends object>(req: R): R => ({ ...req, body: bodies[next++ % bodies.length]! }) };
    // Warm-up: JIT and the registry cache (one lookup per meter).
    // (Every meter once at least, so the measured run sees a warm cache as in steady operation.)
    await autocannon({ url, connections: 20, amount: 2 * meterCount, requests: [request] });
    const before = await probe.hgetall('bench:stats');
    const cpuBefore = { api: cpuSeconds(api.pid), redis: cpuSeconds(redisProc.pid) };
    const load = loadavg().map((l) => l.toFixed(2)).join(' ');
    const result = await autocannon({ url, connections: Number(values.connections), duration: seconds, requests: [request] });
    const after = await probe.hgetall('bench:stats');
    const cpu = { api: cpuSeconds(api.pid) - cpuBefore.api, redis: cpuSeconds(redisProc.pid) - cpuBefore.redis };
    const accepted = Number(after.accepted ?? 0) - Number(before.accepted ?? 0);
    const duplicates = Number(after.duplicates ?? 0) - Number(before.duplicates ?? 0);
    const jobs = await probe.zcard('bench:bull:readings:wait').catch(() => 0) + (await probe.llen('bench:bull:readings:wait').catch(() => 0));
    console.log(`load average before the run: ${load}; API pinned: ${pin.length > 0 ? `core ${values.core}` : 'no'}; Redis appendfsync ${values.fsync}`);
    console.log(JSON.stringify({
      seconds: result.duration, connections: Number(values.connections),
      requestsPerS: Math.round(result.requests.average), responses2xx: result['2xx'], non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts,
      freshAcceptedPerS: Math.round(accepted / result.duration), duplicates, queueJobsWaiting: jobs,
      // Load-independent: readings the API handled per second of its own CPU time (≈ its one-core ceiling when not starved).
      cpuSeconds: { api: Number(cpu.api.toFixed(2)), redis: Number(cpu.redis.toFixed(2)) },
      readingsPerApiCpuSecond: cpu.api > 0 ? Math.round(result['2xx'] / cpu.api) : null,
      readingsPerRedisCpuSecond: cpu.redis > 0 ? Math.round(result['2xx'] / cpu.redis) : null,
      latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    }));
    probe.disconnect();
  } finally {
    api?.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    redisProc.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await rm(dir, { recursive: true, force: true });
  }
}
