import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { bearerKey, type OperatorKeys } from '../auth/operator-keys.js';
import type { MeterRegistryCache } from '../edge/meter-registry-cache.js';
import { renderMetrics } from '../metrics/prometheus-text.js';
import type { IngestQueue } from '../queue/ingest-queue.js';
import { BATCH_CONTENT_TYPE, READING_CONTENT_TYPE, decodeBatch } from '../reading/batch-framing.js';
import { parseReadingKey, readingKey } from '../reading/reading-identity.js';
import type { ReadingStore } from '../store/reading-store.js';
import { ReadingIntake, type IntakeLimits, type IntakeResult } from './reading-intake.js';
import { conflictsSchema, getReadingSchema, healthSchema, postReadingsSchema, replaySchema, statsSchema } from './route-schemas.js';

/** Everything the API needs (built by the runtime, or by tests around a real Redis). */
export interface ApiDeps {
  readonly store: ReadingStore;
  readonly queue: IngestQueue;
  readonly registry: MeterRegistryCache;
  readonly operators: OperatorKeys;
  readonly log: Logger;
  readonly now?: () => number;
  /** Resolves when the ledger answers (for /readyz); rejects otherwise. */
  readonly ledgerReachable: () => Promise<void>;
}

/** Limits of the API. */
export interface ApiLimits extends IntakeLimits {
  /** Most readings in one batch (default 100: one SubmitReadings). */
  readonly maxBatchItems: number;
}

/** Default limits: DLR1's largest reading, 100-item batches, 429 above 100 000 open readings. */
export const DEFAULT_API_LIMITS: ApiLimits = { maxReadingBytes: 144 + 4 * 32768, maxBatchItems: 100, highWater: 100_000, retryAfterS: 2 };

/** How long /readyz waits for Redis and the ledger. */
const probeTimeoutMs = 2_000;

function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function send(reply: FastifyReply, result: IntakeResult): FastifyReply {
  if (result.http === 202) return reply.code(202).send(result.receipt);
  if (result.http === 429 || result.http === 503) reply.header('retry-after', String(result.retryAfterS));
  const { http, ...body } = result;
  return reply.code(http).send(body);
}

function itemOf(index: number, result: IntakeResult): Record<string, unknown> {
  if (result.http === 202) return { index, httpStatus: 202, receipt: result.receipt };
  const { http, ...rest } = result;
  return { index, httpStatus: http, ...rest };
}

/**
 * The ingest HTTP API (Fastify), versioned under /v1, with its OpenAPI 3.1 document at
 * /v1/openapi.json generated from the route schemas. Meter routes need no key (a reading is
 * authenticated by its signature); operator routes need `Authorization: Bearer <api key>`.
 */
export async function buildApi(deps: ApiDeps, limits: ApiLimits = DEFAULT_API_LIMITS): Promise<FastifyInstance> {
  const now = deps.now ?? Date.now;
  const intake = new ReadingIntake({ store: deps.store, queue: deps.queue, registry: deps.registry, now, log: deps.log }, limits);
  const maxBatchBytes = limits.maxBatchItems * (limits.maxReadingBytes + 4);
  const app: FastifyInstance = Fastify({ loggerInstance: deps.log as FastifyBaseLogger, bodyLimit: maxBatchBytes, return503OnClosing: true });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'speedledger sensor-ingest', version: '1', description: 'Meters hand off signed DLR1 readings; operators follow them to the ledger.' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Operator API key (stored hashed)' } } },
    },
    transform: ({ schema, url, route }) => {
      // The reading bodies are binary, so Fastify does not validate them with JSON schema; the
      // document still has to say what they are.
      if (url === '/v1/readings' && route.method === 'POST') {
        return { schema: { ...schema, consumes: [READING_CONTENT_TYPE, BATCH_CONTENT_TYPE], body: { type: 'string', format: 'binary' } } as typeof schema, url };
      }
      return { schema, url };
    },
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser([READING_CONTENT_TYPE, BATCH_CONTENT_TYPE], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (req.url.startsWith('/v1/readings')) {
      done(Object.assign(new Error('readings are binary'), { statusCode: 415 }), undefined);
      return;
    }
    try {
      done(null, body === '' ? null : JSON.parse(body as string));
    } catch (error) {
      (error as { statusCode?: number }).statusCode = 400;
      done(error as Error, undefined);
    }
  });

  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string; validation?: unknown }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 415) return reply.code(415).send({ error: 'UNSUPPORTED_MEDIA_TYPE', detail: `send ${READING_CONTENT_TYPE} (one reading) or ${BATCH_CONTENT_TYPE} (a batch)` });
    if (status === 413) return reply.code(413).send({ error: 'TOO_LARGE', detail: `the body is larger than ${maxBatchBytes} bytes` });
    if (error.validation) return reply.code(400).send({ error: 'INVALID_REQUEST', detail: error.message });
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(status).send({ error: error.code ?? 'ERROR', detail: error.message });
  });

  async function operator(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const name = await deps.operators.operatorOf(bearerKey(request.headers.authorization));
    if (name === undefined) {
      await reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'UNAUTHORIZED', detail: 'operator routes need Authorization: Bearer <api key>' });
      return;
    }
    request.log.debug({ operator: name, url: request.url }, 'operator request');
  }

  app.post('/v1/readings', { schema: postReadingsSchema }, async (request, reply) => {
    const body = request.body as Buffer | undefined;
    if (!Buffer.isBuffer(body)) return reply.code(415).send({ error: 'UNSUPPORTED_MEDIA_TYPE', detail: `send ${READING_CONTENT_TYPE} or ${BATCH_CONTENT_TYPE}` });
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type === READING_CONTENT_TYPE) return send(reply, await intake.take(body));
    const framed = decodeBatch(body, limits.maxBatchItems);
    if (!framed.ok) {
      const tooMany = framed.detail.startsWith('more than');
      return reply.code(tooMany ? 413 : 400).send({ error: tooMany ? 'TOO_LARGE' : 'FRAMING', detail: framed.detail });
    }
    const results: IntakeResult[] = [];
    // In order: a batch holding one meter's seq twice must judge the second as a duplicate.
    for (const item of framed.items) results.push(await intake.take(item));
    const all = new Set(results.map((r) => r.http));
    const items = results.map((r, i) => itemOf(i, r));
    if (all.size === 1 && all.has(429)) return reply.code(429).header('retry-after', String(limits.retryAfterS)).send({ error: 'QUEUE_FULL', detail: 'the backlog is above its high-water mark: keep the readings and retry' });
    return reply.code(all.size === 1 && all.has(202) ? 202 : 207).send({ items });
  });

  app.get('/v1/readings/:meterId/:seq', { schema: getReadingSchema, preHandler: operator }, async (request, reply) => {
    const { meterId, seq } = request.params as { meterId: string; seq: string };
    const status = await deps.store.status(meterId, seq);
    if (status === undefined) return reply.code(404).send({ error: 'NOT_FOUND', detail: `no reading ${meterId} seq ${seq} was accepted here`, meterId, seq });
    return status;
  });

  app.post('/v1/parked/replay', { schema: replaySchema, preHandler: operator }, async (request) => {
    const body = (request.body ?? {}) as { keys?: string[] };
    const keys = body.keys ?? (await deps.store.parked());
    const replayed: string[] = [];
    for (const key of keys) {
      const { meterId, seq } = parseReadingKey(key);
      if (await deps.store.replay(readingKey(meterId, seq), now())) replayed.push(key);
    }
    await deps.queue.enqueue(replayed);
    request.log.info({ replayed: replayed.length }, 'parked readings replayed');
    return { replayed };
  });

  app.get('/v1/stats', { schema: statsSchema, preHandler: operator }, async () => {
    const [counters, backlog, parked, conflicts] = await Promise.all([
      deps.store.stats(), deps.store.backlog(), deps.store.parked(), deps.store.redis.zcard(deps.store.conflictsKey),
    ]);
    return { backlog, parked: parked.length, conflicts, counters };
  });

  app.get('/v1/conflicts', { schema: conflictsSchema, preHandler: operator }, async () => {
    const conflicts = await deps.store.conflicts();
    return { conflicts: conflicts.map(({ raw, ...rest }) => ({ ...rest, rawBase64: raw.toString('base64') })) };
  });

  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/healthz', { schema: healthSchema }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: healthSchema }, async (_request, reply) => {
    // Bounded: a client waiting to reconnect would otherwise hold the probe until the prober gives up.
    const [redis, ledger] = await Promise.all([
      within(probeTimeoutMs, deps.store.redis.ping()).then(() => 'ok', (e: Error) => e.message),
      within(probeTimeoutMs, deps.ledgerReachable()).then(() => 'ok', (e: Error) => e.message),
    ]);
    const ready = redis === 'ok' && ledger === 'ok';
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', redis, ledger });
  });

  app.get('/metrics', async (_request, reply) => {
    const [stats, backlog, queueJobs, parked] = await Promise.all([deps.store.stats(), deps.store.backlog(), deps.queue.depth(), deps.store.parked()]);
    return reply.type('text/plain; version=0.0.4').send(renderMetrics({ stats, backlog, queueJobs, parked: parked.length, registryCacheSize: deps.registry.size }));
  });

  return app;
}
