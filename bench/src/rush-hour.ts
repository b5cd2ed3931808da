/**
 * Rush hour against the embedded network: a simulated São Paulo fleet (default 1,000 meters)
 * fed by the `speedledger feed` machinery at a multiple of real time during the morning peak
 * (default 2×, ≈ 1,500 readings/s offered), into the ingest API and its workers (one process,
 * as `ingest serve` composes them) on a durable Redis (appendfsync always), for --duration of
 * wall time; then the backlog drains and every generated reading is reconciled with its status.
 * Reports accepted/s, committed/s, receipt and receipt-to-commit latency, maximum backlog,
 * drain time and loss.
 *
 *   npm run bench:rush-hour -w bench [-- --meters 1000 --speed 2 --duration 5m --start 07:30 --drain-timeout 60m]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createReadingStream, realClock } from '@speedledger/datasets';
import { connectGateway, LedgerError, type LedgerClient } from '@speedledger/ledger-client';
import { connectionProfilePath, downNetwork, findOrg, freeBasePort, identityDir, portSpan, upNetwork } from '@speedledger/network';
import { freePorts } from '@speedledger/orderer-bft/cli';
import { Prng } from '@speedledger/orderer-bft/sim';
import {
  IngestHttpClient, parseDuration, redisServerArgs, runFeed, saoPauloTime, startIngestService, startIngestWorker, type ReadingLedger,
} from '@speedledger/sensor-ingest';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { machineLine } from './harness.js';

const { values } = parseArgs({
  options: {
    meters: { type: 'string', default: '1000' },
    speed: { type: 'string', default: '2' },
    duration: { type: 'string', default: '5m' },
    start: { type: 'string', default: '07:30' },
    seed: { type: 'string', default: '1' },
    'high-water': { type: 'string', default: '1000000' },
    'drain-timeout': { type: 'string', default: '60m' },
    'data-dir': { type: 'string' },
  },
  strict: true,
});

console.log(machineLine());
const meters = Number(values.meters);
const seed = Number(values.seed);
const durationMs = parseDuration(values.duration!)!;
const drainTimeoutMs = parseDuration(values['drain-timeout']!)!;
const dataDir = values['data-dir'] ?? (await mkdtemp(join(tmpdir(), 'bench-rush-')));
const log = pino({ level: 'warn' });
const cleanups: (() => Promise<unknown>)[] = [];
try {
  await upNetwork({ dataDir, basePort: await freeBasePort(portSpan(4)), healthTimeoutMs: 120_000, log: (line) => console.error(`[up] ${line}`) });
  cleanups.push(() => downNetwork(dataDir, 5_000));
  const connectAs = (org: string, user: string): Promise<LedgerClient> =>
    connectGateway({ connectionProfile: connectionProfilePath(dataDir, org), mspId: findOrg(org)!.mspId, mspDir: identityDir(dataDir, org, user) });
  const registrar = await connectAs('inmetro', 'Registrar');
  const operator = await connectAs('cityoperator', 'User1');
  cleanups.push(() => registrar.close(), () => operator.close());

  const fleet = [...createReadingStream({ meters, seed, speedup: Infinity }).fleet.meters];
  const registerStart = performance.now();
  await Promise.all(Array.from({ length: 32 }, async () => {
    for (let m = fleet.shift(); m !== undefined; m = fleet.shift()) {
      // A busy machine can make the supervisor restart a peer: retry what was not refused.
      for (let attempt = 1; ; attempt++) {
        try {
          await registrar.registerMeter(m.meterId, m.publicKeyHex, m.site);
          break;
        } catch (error) {
          if (error instanceof LedgerError && error.contractCode === 'ALREADY_EXISTS') break;
          if (attempt >= 20 || (error instanceof LedgerError && error.code === 'CONTRACT_REJECTED')) throw error;
          await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
        }
      }
    }
  }));
  console.log(JSON.stringify({ bench: 'rush-hour-register', meters, seconds: Number(((performance.now() - registerStart) / 1000).toFixed(1)) }));

  const redisDir = join(dataDir, 'redis');
  const [redisPort] = await freePorts(1, '127.0.0.1');
  await import('node:fs/promises').then((fs) => fs.mkdir(redisDir, { recursive: true }));
  const redisProc = spawn('redis-server', redisServerArgs({ port: redisPort!, dir: redisDir }), { stdio: 'ignore' });
  cleanups.push(async () => redisProc.kill('SIGTERM'));
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  for (let i = 0; ; i++) {
    const probe = new Redis({ port: redisPort!, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await probe.connect();
      break;
    } catch {
      if (i > 100) throw new Error('redis-server did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      probe.disconnect();
    }
  }
  const prng = new Prng(seed);
  const service = await startIngestService({
    redisUrl, host: '127.0.0.1', port: 0, ledger: operator as ReadingLedger, log, limits: { highWater: Number(values['high-water']) },
    startWorker: ({ store, queue, prefix }) => startIngestWorker(store, queue, operator, {
      connection: { host: '127.0.0.1', port: redisPort!, maxRetriesPerRequest: null }, bullPrefix: `${prefix}:bull`, random: () => prng.float(),
    }, log),
  });
  cleanups.push(() => service.close());
  const key = await service.operators.create('bench');
  const client = new IngestHttpClient(service.url, key, 256);
  cleanups.push(async () => client.close());

  const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`load average before the feed: ${load()}; ${meters} meters at ${values.speed}× from ${values.start} São Paulo time for ${values.duration}`);
  let lastLine = 0;
  const result = await runFeed({
    meters, seed, firstSeq: 1, client, random: () => prng.float(), ...realClock,
    plan: { profile: 'saopaulo', startTime: saoPauloTime('2026-03-02', values.start!)!, speedup: Number(values.speed), durationMs },
    drainTimeoutMs, settleTimeoutMs: 600_000, progressIntervalMs: 5_000,
    onProgress: (p) => {
      if (Date.now() - lastLine < 30_000 && p.phase !== 'draining') return;
      lastLine = Date.now();
      console.error(JSON.stringify({ progress: { ...p, offeredPerS: Math.round(p.offeredPerS), acceptedPerS: Math.round(p.acceptedPerS), committedPerS: Math.round(p.committedPerS) } }));
    },
  });
  const { missing, ...reconciliation } = result.reconciliation;
  console.log(`load average after the drain: ${load()}`);
  console.log(JSON.stringify({ bench: 'rush-hour', meters, speed: Number(values.speed), duration: values.duration, reconciliation: { ...reconciliation, missingCount: missing.length }, figures: result.figures }));
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error(`cleanup: ${String(error)}`));
  if (values['data-dir'] === undefined) await rm(dataDir, { recursive: true, force: true });
}
