import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { buildApi, DEFAULT_API_LIMITS, type ApiLimits } from '../api/build-api.js';
import { OperatorKeys } from '../auth/operator-keys.js';
import { MeterRegistryCache } from '../edge/meter-registry-cache.js';
import { IngestQueue } from '../queue/ingest-queue.js';
import { ReadingStore } from '../store/reading-store.js';
import { MemoryLedger } from './memory-ledger.js';
import type { LiveRedis } from './redis-server.js';

/** An API in-process around a real Redis and an in-memory ledger; `close` releases everything but Redis. */
export interface ApiFixture {
  readonly app: FastifyInstance;
  readonly ledger: MemoryLedger;
  readonly store: ReadingStore;
  readonly queue: IngestQueue;
  readonly registry: MeterRegistryCache;
  readonly redis: Redis;
  readonly operatorKey: string;
  close(): Promise<void>;
}

let prefixCounter = 0;

/** Builds the API with a fresh key prefix in `redis` (tests share one redis-server per suite). */
export async function apiFixture(live: LiveRedis, limits: Partial<ApiLimits> = {}, ledger = new MemoryLedger()): Promise<ApiFixture> {
  const prefix = `t${++prefixCounter}-${process.pid}`;
  const redis = live.client();
  const store = new ReadingStore(redis, prefix);
  const queue = new IngestQueue({ host: '127.0.0.1', port: live.port }, `${prefix}:bull`);
  const registry = new MeterRegistryCache(ledger);
  const operators = new OperatorKeys(redis, store.operatorsKey);
  const operatorKey = await operators.create('test-operator');
  const app = await buildApi(
    { store, queue, registry, operators, log: pino({ level: 'silent' }), ledgerReachable: async () => undefined },
    { ...DEFAULT_API_LIMITS, ...limits },
  );
  await app.ready();
  return {
    app, ledger, store, queue, registry, redis, operatorKey,
    async close() {
      await app.close();
      await queue.close();
      redis.disconnect();
    },
  };
}
