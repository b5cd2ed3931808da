import { createDataset, type FleetMeter, type GeneratedReading, type MeterSigner } from '@speedledger/datasets';
import { Prng } from '@speedledger/orderer-bft/sim';
import { waitFor } from '@speedledger/orderer-bft/runtime';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { buildApi, DEFAULT_API_LIMITS, type ApiLimits } from '../api/build-api.js';
import { OperatorKeys } from '../auth/operator-keys.js';
import { MeterRegistryCache } from '../edge/meter-registry-cache.js';
import type { ReadingLedger } from '../ledger/reading-ledger.js';
import { IngestQueue } from '../queue/ingest-queue.js';
import { ReadingStore } from '../store/reading-store.js';
import { startIngestWorker, type IngestWorker, type WorkerOptions } from '../worker/ingest-worker.js';
import type { LiveRedis } from './redis-server.js';

/** A small clean fleet and its readings (seeded). */
export function smallFleet(meters: number, readings: number, seed: number): { meters: FleetMeter[]; readings: GeneratedReading[]; signers: Map<string, MeterSigner> } {
  const dataset = createDataset({ meters, readings, seed, mix: 'clean' });
  return { meters: dataset.fleet.meters, readings: [...dataset.readings()], signers: dataset.signers };
}

/** The same reading with one sample byte flipped: its signature no longer verifies. */
export function forge(reading: Uint8Array): Uint8Array {
  const forged = Uint8Array.from(reading);
  forged[81] = forged[81]! ^ 0x01;
  return forged;
}

/** Other content under the same (meterId, seq) as `original`, validly signed by the meter (a faulty or replaying meter). */
export function conflictingTwin(original: GeneratedReading, signer: MeterSigner): Uint8Array {
  const twin = forge(original.bytes);
  twin.set(signer.sign(twin.subarray(0, twin.length - 64)), twin.length - 64);
  return twin;
}

/** API, store, queue and (optionally) a worker around one real Redis and a ledger. */
export interface Harness {
  readonly app: FastifyInstance;
  readonly store: ReadingStore;
  readonly queue: IngestQueue;
  readonly registry: MeterRegistryCache;
  readonly operatorKey: string;
  worker?: IngestWorker;
  startWorker(options?: Partial<WorkerOptions>, ledger?: ReadingLedger): Promise<IngestWorker>;
  close(): Promise<void>;
}

/** Builds the API in-process (Fastify inject or listen) against `redis`, with `ledger` behind it. */
export async function createHarness(redis: LiveRedis, ledger: ReadingLedger, limits: Partial<ApiLimits> = {}, prefix = `t${Date.now()}`): Promise<Harness> {
  const client = redis.client();
  const log = pino({ level: process.env.INGEST_TEST_LOG ?? 'silent' });
  const store = new ReadingStore(client, prefix);
  const connection = { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null };
  const queue = new IngestQueue(connection, `${prefix}:bull`);
  const registry = new MeterRegistryCache(ledger);
  const operators = new OperatorKeys(client, store.operatorsKey);
  const operatorKey = await operators.create('test-operator');
  const app = await buildApi({ store, queue, registry, operators, log, ledgerReachable: async () => undefined }, { ...DEFAULT_API_LIMITS, ...limits });
  const workers: IngestWorker[] = [];
  const harness: Harness = {
    app, store, queue, registry, operatorKey,
    async startWorker(options = {}, workerLedger = ledger) {
      const prng = new Prng(20_261_203);
      const worker = await startIngestWorker(store, queue, workerLedger, {
        connection, bullPrefix: `${prefix}:bull`, random: () => prng.float(), maxWaitMs: 50, backoff: { baseMs: 50, maxMs: 400 },
        lockDurationMs: 3_000, stalledIntervalMs: 1_000, reconcileIntervalMs: 2_000, ...options,
      }, log);
      workers.push(worker);
      harness.worker = worker;
      return worker;
    },
    async close() {
      for (const w of workers) await w.close();
      await app.close();
      await queue.close();
      client.disconnect();
    },
  };
  return harness;
}

/** Polls `probe` every 100 ms until it returns a value, or rejects naming `what` after `timeoutMs`. */
export function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  return waitFor(what, probe, timeoutMs, 100);
}

/** A second Redis client (for assertions on raw keys). */
export function rawClient(redis: LiveRedis): Redis {
  return redis.client();
}
