import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { buildApi, DEFAULT_API_LIMITS, type ApiLimits } from '../api/build-api.js';
import { OperatorKeys } from '../auth/operator-keys.js';
import { MeterRegistryCache, type RegistryCacheOptions } from '../edge/meter-registry-cache.js';
import { IngestError } from '../errors/ingest-error.js';
import type { ReadingLedger, RegistryEvents } from '../ledger/reading-ledger.js';
import { IngestQueue } from '../queue/ingest-queue.js';
import { ReadingStore } from '../store/reading-store.js';

/** A worker pool started next to the API (injected, so the service does not fix how readings are submitted). */
export interface ServiceWorker {
  close(): Promise<void>;
}

/** Options of {@link startIngestService}. */
export interface IngestServiceOptions {
  /** `redis://host:port[/db]` of a Redis configured as in redis-config (AOF, fsync always). */
  readonly redisUrl: string;
  /** Key prefix in Redis (default `ingest`); the BullMQ queue lives under `<prefix>:bull`. */
  readonly prefix?: string;
  readonly host: string;
  /** 0 picks a free port (see {@link IngestService.port}). */
  readonly port: number;
  readonly ledger: ReadingLedger;
  /** Ledger events that keep the edge registry cache fresh; without them it relies on its TTL. */
  readonly registryEvents?: RegistryEvents;
  readonly registryCache?: RegistryCacheOptions;
  readonly limits?: Partial<ApiLimits>;
  readonly log: Logger;
  /** Starts the workers once the store and queue exist (omitted: API only). */
  readonly startWorker?: (parts: { store: ReadingStore; queue: IngestQueue; redisUrl: string; prefix: string }) => Promise<ServiceWorker>;
}

/** A running ingest API (and its workers when asked for). */
export interface IngestService {
  readonly app: FastifyInstance;
  readonly store: ReadingStore;
  readonly queue: IngestQueue;
  readonly operators: OperatorKeys;
  readonly url: string;
  readonly port: number;
  /** Graceful stop: the API refuses new work (503), workers drain in-flight transactions, then Redis is released. */
  close(): Promise<void>;
}

/** BullMQ connection options from a redis URL (BullMQ needs `maxRetriesPerRequest: null`). */
export function redisConnection(redisUrl: string): { host: string; port: number; db: number; password?: string; username?: string; maxRetriesPerRequest: null } {
  let url: URL;
  try {
    url = new URL(redisUrl);
  } catch (cause) {
    throw new IngestError('INVALID_CONFIG', `--redis ${JSON.stringify(redisUrl)} is not a URL (redis://host:port)`, {}, cause);
  }
  if (url.protocol !== 'redis:') throw new IngestError('INVALID_CONFIG', `--redis must be a redis:// URL, got ${url.protocol}`);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new IngestError('INVALID_CONFIG', `bad Redis database number in ${redisUrl}`);
  return {
    host: url.hostname || '127.0.0.1', port: url.port ? Number(url.port) : 6379, db, maxRetriesPerRequest: null,
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}), ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
  };
}

/**
 * Starts the ingest API against Redis and a ledger: the composition root the `ingest serve`
 * command (and `speedledger up`) runs. Refuses to start against a Redis whose persistence would
 * make a 202 a lie (AOF off or not fsynced on every write), unless `allowWeakDurability`.
 */
export async function startIngestService(options: IngestServiceOptions & { allowWeakDurability?: boolean }): Promise<IngestService> {
  const prefix = options.prefix ?? 'ingest';
  const connection = redisConnection(options.redisUrl);
  // Auto-pipelining: the accept scripts of all requests handled in one event-loop turn go out in
  // one write (and Redis fsyncs them together), instead of a syscall and a parse each.
  const redis = new Redis({ ...connection, enableAutoPipelining: true });
  redis.on('error', (error) => options.log.warn({ err: error }, 'redis connection error'));
  try {
    const [, appendonly] = (await redis.config('GET', 'appendonly')) as string[];
    const [, appendfsync] = (await redis.config('GET', 'appendfsync')) as string[];
    if ((appendonly !== 'yes' || appendfsync !== 'always') && !options.allowWeakDurability) {
      throw new IngestError('INVALID_CONFIG', `Redis at ${options.redisUrl} has appendonly=${appendonly} appendfsync=${appendfsync}: a 202 would not survive a crash (need appendonly yes, appendfsync always)`);
    }
  } catch (error) {
    redis.disconnect();
    if (error instanceof IngestError) throw error;
    throw new IngestError('REDIS_FAILED', `cannot read the configuration of Redis at ${options.redisUrl}: ${(error as Error).message}`, {}, error);
  }
  const store = new ReadingStore(redis, prefix);
  const queue = new IngestQueue(connection, `${prefix}:bull`);
  queue.queue.on('error', (error) => options.log.warn({ err: error }, 'queue connection error'));
  const registry = new MeterRegistryCache(options.ledger, options.registryCache);
  const operators = new OperatorKeys(redis, store.operatorsKey);
  let subscription: { close(): void } | undefined;
  let app: FastifyInstance | undefined;
  let worker: ServiceWorker | undefined;
  try {
    subscription = options.registryEvents
      ? await options.registryEvents.subscribe(
        (event) => registry.apply(event),
        (error) => options.log.warn({ err: error }, 'registry event stream failed; reconnecting'),
        () => registry.clear(),
      )
      : undefined;
    app = await buildApi(
      { store, queue, registry, operators, log: options.log, ledgerReachable: async () => void (await options.ledger.getMeter('__readyz__').catch((e: unknown) => notFoundIsFine(e))) },
      { ...DEFAULT_API_LIMITS, ...options.limits },
    );
    worker = options.startWorker ? await options.startWorker({ store, queue, redisUrl: options.redisUrl, prefix }) : undefined;
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    // A failed start (port taken, ledger events refused …) must not leave timers and sockets that keep the process alive.
    await app?.close().catch(() => undefined);
    await worker?.close().catch(() => undefined);
    subscription?.close();
    await queue.close().catch(() => undefined);
    redis.disconnect();
    throw error;
  }
  const api = app;
  const address = api.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  options.log.info({ url, prefix, worker: worker !== undefined }, 'ingest API listening');
  return {
    app: api, store, queue, operators, url, port,
    async close() {
      await api.close();
      await worker?.close();
      subscription?.close();
      await queue.close();
      redis.disconnect();
    },
  };
}

/** A ledger whose chaincode answers (even "no such meter") is reachable. */
function notFoundIsFine(error: unknown): void {
  if ((error as { code?: string }).code === 'CONTRACT_REJECTED') return;
  throw error;
}
