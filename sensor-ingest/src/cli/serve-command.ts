import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { connectGateway, MAX_BATCH_BYTES } from '@speedledger/ledger-client';
import { Prng } from '@speedledger/orderer-bft/sim';
import { pino, type Level, type Logger } from 'pino';
import { hashApiKey, newApiKey } from '../auth/operator-keys.js';
import { startIngestService, redisConnection, type IngestService } from '../runtime/ingest-service.js';
import { followRegistryEvents } from '../runtime/registry-event-follower.js';
import { startIngestWorker } from '../worker/ingest-worker.js';
import { parseOrUsage, positiveInt, reportFailure, usageProblem, type IngestCliCommand } from './cli-support.js';

const USAGE = `speedledger ingest serve --connection-profile FILE --msp-id ID --msp-dir DIR
    [--listen 127.0.0.1:8787] [--redis redis://127.0.0.1:6379] [--prefix ingest]
    [--channel speedledger] [--chaincode lr-chaincode] [--peer NAME]
    [--high-water 100000] [--max-batch 100] [--max-batch-bytes ${MAX_BATCH_BYTES}] [--max-wait-ms 200] [--concurrent-batches 4]
    [--max-attempts 8] [--lease-ms 130000] [--lock-ms 30000] [--api-only]
    [--allow-weak-durability] [--log-level info] [--operator-key-file FILE]

Runs the ingest API (POST /v1/readings, GET /v1/readings/:meterId/:seq, /v1/openapi.json,
/healthz, /readyz, /metrics) and, unless --api-only, the workers that commit the queued readings
in SubmitReadings transactions through the gateway peer of the given connection profile (any
Fabric network: the embedded one or a real one). Redis must run with appendonly yes and
appendfsync always (what "202" promises); --allow-weak-durability starts anyway. Logs are JSON
lines (pino) on stdout. SIGINT/SIGTERM drain in-flight transactions and stop. A worker killed
outright leaves its per-meter leases (--lease-ms) and job locks (--lock-ms) behind: the other
workers take its readings over once those expire; keep --lease-ms above the longest submit.
--operator-key-file: when FILE does not exist, an operator key ("operator") is created at start
and written there (mode 0600) — what "speedledger up" uses; an existing FILE is left alone.`;

const LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** `speedledger ingest serve`. */
export const serveCommand: IngestCliCommand = {
  path: ['ingest', 'serve'],
  summary: 'Run the ingest API and its workers (Redis + ledger)',
  usage: USAGE,
  async run(args, io) {
    const parsed = parseOrUsage(args, {
      'connection-profile': { type: 'string' }, 'msp-id': { type: 'string' }, 'msp-dir': { type: 'string' },
      listen: { type: 'string', default: '127.0.0.1:8787' }, redis: { type: 'string', default: 'redis://127.0.0.1:6379' }, prefix: { type: 'string', default: 'ingest' },
      channel: { type: 'string', default: 'speedledger' }, chaincode: { type: 'string', default: 'lr-chaincode' }, peer: { type: 'string' },
      'high-water': { type: 'string', default: '100000' }, 'max-batch': { type: 'string', default: '100' }, 'max-batch-bytes': { type: 'string', default: String(MAX_BATCH_BYTES) }, 'max-wait-ms': { type: 'string', default: '200' },
      'concurrent-batches': { type: 'string', default: '4' }, 'max-attempts': { type: 'string', default: '8' },
      'lease-ms': { type: 'string', default: '130000' }, 'lock-ms': { type: 'string', default: '30000' },
      'api-only': { type: 'boolean', default: false }, 'allow-weak-durability': { type: 'boolean', default: false }, 'log-level': { type: 'string', default: 'info' },
      'operator-key-file': { type: 'string' },
    }, USAGE, io);
    if (parsed === undefined) return 2;
    const v = parsed.values;
    if (!v['connection-profile'] || !v['msp-id'] || !v['msp-dir']) return usageProblem(io, '--connection-profile, --msp-id and --msp-dir are required', USAGE);
    const listen = /^(.+):(\d{1,5})$/.exec(v.listen!);
    if (!listen || Number(listen[2]) > 65_535) return usageProblem(io, `--listen must be HOST:PORT, got ${v.listen}`, USAGE);
    const numbers = {
      highWater: positiveInt(v['high-water']), maxBatch: positiveInt(v['max-batch'], 100), maxBatchBytes: positiveInt(v['max-batch-bytes'], MAX_BATCH_BYTES), maxWaitMs: positiveInt(v['max-wait-ms'], 60_000),
      maxConcurrentBatches: positiveInt(v['concurrent-batches'], 64), maxAttempts: positiveInt(v['max-attempts'], 1000),
      leaseMs: positiveInt(v['lease-ms'], 3_600_000), lockMs: positiveInt(v['lock-ms'], 3_600_000),
    };
    const bad = Object.entries(numbers).find(([, n]) => n === undefined);
    if (bad) return usageProblem(io, `--${bad[0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be a positive integer in range`, USAGE);
    if (!LEVELS.includes(v['log-level']!)) return usageProblem(io, `--log-level must be one of ${LEVELS.join(', ')}`, USAGE);
    try {
      redisConnection(v.redis!);
    } catch (error) {
      return usageProblem(io, (error as Error).message, USAGE);
    }
    const log = pino({ level: v['log-level'] as Level, base: { service: 'sensor-ingest' } });
    let ledger;
    try {
      ledger = await connectGateway({ connectionProfile: v['connection-profile'], mspId: v['msp-id'], mspDir: v['msp-dir'], channel: v.channel!, chaincode: v.chaincode!, ...(v.peer ? { peer: v.peer } : {}) });
    } catch (error) {
      return reportFailure(io, 'ingest serve', error);
    }
    const prng = new Prng(Date.now() >>> 0);
    try {
      const service = await startIngestService({
        redisUrl: v.redis!, prefix: v.prefix!, host: listen[1]!, port: Number(listen[2]), ledger, log,
        limits: { highWater: numbers.highWater!, maxBatchItems: numbers.maxBatch! },
        // Revocations arrive as ledger events within a block; the TTL is the slow safety net
        // (every cached meter re-read at least every 5 minutes) for anything the stream missed.
        registryEvents: followRegistryEvents(ledger),
        registryCache: { positiveTtlMs: 300_000 },
        allowWeakDurability: v['allow-weak-durability']!,
        ...(v['api-only'] ? {} : {
          startWorker: ({ store, queue, prefix }) => startIngestWorker(store, queue, ledger, {
            connection: redisConnection(v.redis!), bullPrefix: `${prefix}:bull`, random: () => prng.float(),
            maxBatch: numbers.maxBatch!, maxBatchBytes: numbers.maxBatchBytes!, maxWaitMs: numbers.maxWaitMs!, maxConcurrentBatches: numbers.maxConcurrentBatches!, maxAttempts: numbers.maxAttempts!,
            leaseMs: numbers.leaseMs!, lockDurationMs: numbers.lockMs!,
          }, log),
        }),
      });
      if (v['operator-key-file'] !== undefined) await ensureOperatorKeyFile(v['operator-key-file'], service, log);
      io.stderr.write(`ingest API on ${service.url} (Redis ${v.redis}, prefix ${v.prefix})\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      io.stderr.write('draining…\n');
      await service.close();
      return 0;
    } catch (error) {
      return reportFailure(io, 'ingest serve', error);
    } finally {
      await ledger.close();
    }
  },
};

/**
 * The operator key of `file` (0600), created when the file does not exist, registered (by its
 * hash, idempotently) in this Redis either way — a fresh Redis behind an old data dir still
 * accepts it. The key itself never reaches a log.
 */
async function ensureOperatorKeyFile(file: string, service: IngestService, log: Logger): Promise<void> {
  let key = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (key === '') {
    key = newApiKey();
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${key}\n`, { mode: 0o600 });
    log.info({ file }, 'operator API key created');
  }
  await service.operators.addHash('operator', hashApiKey(key));
}
