import { connectGateway } from '@speedledger/ledger-client';
import { Prng } from '@speedledger/orderer-bft/sim';
import { pino, type Level } from 'pino';
import { startIngestService, redisConnection } from '../runtime/ingest-service.js';
import { startIngestWorker } from '../worker/ingest-worker.js';
import { parseOrUsage, positiveInt, reportFailure, usageProblem, type IngestCliCommand } from './cli-support.js';

const USAGE = `speedledger ingest serve --connection-profile FILE --msp-id ID --msp-dir DIR
    [--listen 127.0.0.1:8787] [--redis redis://127.0.0.1:6379] [--prefix ingest]
    [--channel speedledger] [--chaincode lr-chaincode] [--peer NAME]
    [--high-water 100000] [--max-batch 100] [--max-batch-bytes 524288] [--max-wait-ms 200] [--concurrent-batches 4]
    [--max-attempts 8] [--lease-ms 130000] [--lock-ms 30000] [--api-only]
    [--allow-weak-durability] [--log-level info]

Runs the ingest API (POST /v1/readings, GET /v1/readings/:meterId/:seq, /v1/openapi.json,
/healthz, /readyz, /metrics) and, unless --api-only, the workers that commit the queued readings
in SubmitReadings transactions through the gateway peer of the given connection profile (any
Fabric network: the embedded one or a real one). Redis must run with appendonly yes and
appendfsync always (what "202" promises); --allow-weak-durability starts anyway. Logs are JSON
lines (pino) on stdout. SIGINT/SIGTERM drain in-flight transactions and stop. A worker killed
outright leaves its per-meter leases (--lease-ms) and job locks (--lock-ms) behind: the other
workers take its readings over once those expire; keep --lease-ms above the longest submit.`;

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
      'high-water': { type: 'string', default: '100000' }, 'max-batch': { type: 'string', default: '100' }, 'max-batch-bytes': { type: 'string', default: String(512 * 1024) }, 'max-wait-ms': { type: 'string', default: '200' },
      'concurrent-batches': { type: 'string', default: '4' }, 'max-attempts': { type: 'string', default: '8' },
      'lease-ms': { type: 'string', default: '130000' }, 'lock-ms': { type: 'string', default: '30000' },
      'api-only': { type: 'boolean', default: false }, 'allow-weak-durability': { type: 'boolean', default: false }, 'log-level': { type: 'string', default: 'info' },
    }, USAGE, io);
    if (parsed === undefined) return 2;
    const v = parsed.values;
    if (!v['connection-profile'] || !v['msp-id'] || !v['msp-dir']) return usageProblem(io, '--connection-profile, --msp-id and --msp-dir are required', USAGE);
    const listen = /^(.+):(\d{1,5})$/.exec(v.listen!);
    if (!listen || Number(listen[2]) > 65_535) return usageProblem(io, `--listen must be HOST:PORT, got ${v.listen}`, USAGE);
    const numbers = {
      highWater: positiveInt(v['high-water']), maxBatch: positiveInt(v['max-batch'], 100), maxBatchBytes: positiveInt(v['max-batch-bytes'], 64 * 1024 * 1024), maxWaitMs: positiveInt(v['max-wait-ms'], 60_000),
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
        registryCache: { positiveTtlMs: 5_000 },
        allowWeakDurability: v['allow-weak-durability']!,
        ...(v['api-only'] ? {} : {
          startWorker: ({ store, queue, prefix }) => startIngestWorker(store, queue, ledger, {
            connection: redisConnection(v.redis!), bullPrefix: `${prefix}:bull`, random: () => prng.float(),
            maxBatch: numbers.maxBatch!, maxBatchBytes: numbers.maxBatchBytes!, maxWaitMs: numbers.maxWaitMs!, maxConcurrentBatches: numbers.maxConcurrentBatches!, maxAttempts: numbers.maxAttempts!,
            leaseMs: numbers.leaseMs!, lockDurationMs: numbers.lockMs!,
          }, log),
        }),
      });
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
