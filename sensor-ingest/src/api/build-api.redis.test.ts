/*
 * The ingest HTTP API in-process (Fastify inject) around a real redis-server, the ledger an
 * in-memory double. One fresh key prefix per test (apiFixture), grouped by concept: intake and
 * idempotency, 409 evidence, edge refusals, size/type limits, the high-water mark, batches,
 * operator routes, and the document/probe/metrics routes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_CONTENT_TYPE, READING_CONTENT_TYPE, encodeBatch } from '../reading/batch-framing.js';
import { readingKey, sha256Hex } from '../reading/reading-identity.js';
import { apiFixture, type ApiFixture } from '../test-support/api-fixture.js';
import { forge } from '../test-support/ingest-harness.js';
import { conflictingTwin, smallDataset } from '../test-support/readings.js';
import { redisMissing, startRedis, type LiveRedis } from '../test-support/redis-server.js';
import type { ApiLimits } from './build-api.js';

const missing = redisMissing();
if (missing && process.env.CI) throw new Error(missing);

const { dataset, readings } = smallDataset(4, 24);
const meters = dataset.fleet.meters;
/** The fourth meter is never registered. */
const registered = meters.slice(0, 3);
const good = readings.filter((r) => r.truth.meterId !== meters[3]!.meterId);
const unregistered = readings.filter((r) => r.truth.meterId === meters[3]!.meterId);

const idOf = (r: (typeof readings)[number]) => ({ meterId: r.truth.meterId, seq: String(r.truth.seq) });

describe.skipIf(missing !== undefined)('ingest HTTP API against a real Redis', () => {
  let live: LiveRedis;
  let f: ApiFixture;

  beforeAll(async () => {
    live = await startRedis();
  }, 20_000);
  afterAll(async () => {
    await live?.stop();
  });
  afterEach(async () => {
    await f?.close();
  });

  async function fresh(limits: Partial<ApiLimits> = {}): Promise<ApiFixture> {
    f = await apiFixture(live, limits);
    for (const m of registered) f.ledger.register(m);
    return f;
  }

  const post = (body: Uint8Array, type = READING_CONTENT_TYPE) =>
    f.app.inject({ method: 'POST', url: '/v1/readings', headers: { 'content-type': type }, payload: Buffer.from(body) });
  const asOperator = (url: string) => f.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${f.operatorKey}` } });
  /**
   * Every key under the fixture's prefix (records, evidence, counters, jobs under `<prefix>:bull`)
   * but the queue's metadata hash, which BullMQ writes whenever its Queue connects.
   */
  const keysNow = async () => (await f.redis.keys(`${f.store.prefix}:*`)).filter((k) => k !== f.queue.queue.keys.meta).sort();

  describe('intake and idempotency', () => {
    it('answers 202 with a receipt once the reading and its job are durably stored; the same bytes get the same receipt and no second job', async () => {
      await fresh();
      const r = good[0]!;
      const first = await post(r.bytes);
      expect(first.statusCode).toBe(202);
      const receipt = first.json();
      expect(receipt).toEqual({ ...idOf(r), rawSha256: sha256Hex(r.bytes), status: 'queued' });
      const again = await post(r.bytes);
      expect(again.statusCode).toBe(202);
      expect(again.json()).toEqual(receipt);
      expect(await f.store.backlog()).toBe(1);
      expect(await f.queue.depth()).toBe(1);
      expect(await f.queue.has(readingKey(r.truth.meterId, String(r.truth.seq)))).toBe(true);
      const stats = await f.store.stats();
      expect(stats.accepted).toBe(1);
      expect(stats.duplicates).toBe(1);
      const status = await asOperator(`/v1/readings/${r.truth.meterId}/${r.truth.seq}`);
      expect(status.statusCode).toBe(200);
      expect(status.json()).toMatchObject({ status: 'queued', attempts: 0, rawSha256: receipt.rawSha256 });
      // Durable: the write is in the AOF on disk (appendfsync always) before the 202.
      expect(await f.redis.info('persistence')).toMatch(/aof_enabled:1/);
      expect(await f.redis.config('GET', 'appendfsync')).toEqual(['appendfsync', 'always']);
    });

    it('gives a queued reading whose job was lost its job again when the meter re-sends it', async () => {
      await fresh();
      const r = good[1]!;
      expect((await post(r.bytes)).statusCode).toBe(202);
      const key = readingKey(r.truth.meterId, String(r.truth.seq));
      await f.queue.queue.remove(key);
      expect(await f.queue.has(key)).toBe(false);
      expect((await post(r.bytes)).json().status).toBe('queued');
      expect(await f.queue.has(key)).toBe(true);
      expect(await f.queue.depth()).toBe(1);
    });
  });

  describe('409: other bytes under an accepted (meterId, seq)', () => {
    it('answers 409, keeps the offer as evidence and leaves the accepted reading as it was', async () => {
      await fresh();
      const r = good[1]!;
      expect((await post(r.bytes)).statusCode).toBe(202);
      const twin = conflictingTwin(dataset, r.bytes);
      const conflict = await post(twin);
      expect(conflict.statusCode).toBe(409);
      expect(conflict.json()).toMatchObject({ error: 'SEQ_CONFLICT', ...idOf(r), recordedSha256: sha256Hex(r.bytes), offeredSha256: sha256Hex(twin) });
      // The original receipt and record are unchanged and only one reading is open.
      expect((await post(r.bytes)).json().rawSha256).toBe(sha256Hex(r.bytes));
      expect((await f.store.status(r.truth.meterId, String(r.truth.seq)))!.rawSha256).toBe(sha256Hex(r.bytes));
      expect(await f.store.backlog()).toBe(1);
      const evidence = await asOperator('/v1/conflicts');
      expect(evidence.statusCode).toBe(200);
      expect(evidence.json().conflicts).toEqual([expect.objectContaining({ ...idOf(r), offeredSha256: sha256Hex(twin), count: 1, rawBase64: Buffer.from(twin).toString('base64') })]);
    });
  });

  describe('400 at the edge: the DLR1 reason, nothing stored', () => {
    it('refuses malformed, forged, unknown-meter and revoked-meter readings, writing only the refusal counters', async () => {
      await fresh();
      const before = await keysNow();
      const junk = await post(Buffer.from('DLR1 but not really'));
      expect(junk.statusCode).toBe(400);
      expect(junk.json().error).toBe('MALFORMED');
      const truncated = await post(good[2]!.bytes.subarray(0, 100));
      expect(truncated.statusCode).toBe(400);
      expect(truncated.json().error).toBe('MALFORMED');

      // One flipped signed byte, one flipped signature byte.
      const forgedContent = await post(forge(good[2]!.bytes));
      expect(forgedContent.statusCode).toBe(400);
      expect(forgedContent.json()).toMatchObject({ error: 'BAD_SIGNATURE', ...idOf(good[2]!) });
      const forgedSignature = Uint8Array.from(good[3]!.bytes);
      forgedSignature[forgedSignature.length - 1]! ^= 0x01;
      expect((await post(forgedSignature)).json()).toMatchObject({ error: 'BAD_SIGNATURE', meterId: good[3]!.truth.meterId });

      const unknown = await post(unregistered[0]!.bytes);
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error).toBe('UNKNOWN_METER');

      const r = good.find((x) => x.truth.meterId === meters[1]!.meterId)!;
      expect((await f.registry.lookup(meters[1]!.meterId))?.status).toBe('ACTIVE');
      f.registry.apply({ name: 'MeterRevoked', meterId: meters[1]!.meterId });
      const revoked = await post(r.bytes);
      expect(revoked.statusCode).toBe(400);
      expect(revoked.json().error).toBe('REVOKED_METER');

      expect(await f.store.backlog()).toBe(0);
      expect(await f.queue.depth()).toBe(0);
      // No record, no evidence, no job: the only new key is the counters hash.
      expect(await keysNow()).toEqual([...before, f.store.statsKey].sort());
      const stats = await f.store.stats();
      expect(stats['edge:MALFORMED']).toBe(2);
      expect(stats['edge:BAD_SIGNATURE']).toBe(2);
      expect(stats['edge:UNKNOWN_METER']).toBe(1);
      expect(stats['edge:REVOKED_METER']).toBe(1);
      expect(stats.accepted).toBeUndefined();
    });
  });

  describe('413 / 415 / framing: nothing stored', () => {
    it('with small limits: 413 for an oversize body, reading or item count, 415 for other content types', async () => {
      await fresh({ maxReadingBytes: 2000, maxBatchItems: 2 });
      const big = await post(Buffer.alloc(3 * 2004 + 1, 1));
      expect(big.statusCode).toBe(413);
      expect(big.json().error).toBe('TOO_LARGE');
      expect((await post(Buffer.alloc(2001, 1))).statusCode).toBe(413);
      const tooMany = await post(encodeBatch([good[0]!.bytes, good[1]!.bytes, good[2]!.bytes].map((b) => b.subarray(0, 10))), BATCH_CONTENT_TYPE);
      expect(tooMany.statusCode).toBe(413);
      const json = await f.app.inject({ method: 'POST', url: '/v1/readings', headers: { 'content-type': 'application/json' }, payload: '{}' });
      expect(json.statusCode).toBe(415);
      expect(json.json().error).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect((await post(good[0]!.bytes, 'text/plain')).statusCode).toBe(415);
      expect(await f.store.backlog()).toBe(0);
    });

    it('with the default limits: 413 above DLR1\'s largest reading and above 100 items, 415 for a JSON-typed reading, 400 FRAMING for bad framing', async () => {
      await fresh();
      const r = good[3]!;
      expect((await post(r.bytes, 'application/json')).statusCode).toBe(415);
      const tooBig = await post(new Uint8Array(144 + 4 * 32768 + 1));
      expect(tooBig.statusCode).toBe(413);
      expect(tooBig.json().error).toBe('TOO_LARGE');
      expect((await post(encodeBatch(Array.from({ length: 101 }, () => r.bytes)), BATCH_CONTENT_TYPE)).statusCode).toBe(413);
      const trailing = await post(Buffer.concat([encodeBatch([r.bytes]), Buffer.from([0, 0, 1])]), BATCH_CONTENT_TYPE);
      expect(trailing.statusCode).toBe(400);
      expect(trailing.json().error).toBe('FRAMING');
      const short = await post(Buffer.from([0, 0, 0, 9, 1, 2]), BATCH_CONTENT_TYPE);
      expect(short.statusCode).toBe(400);
      expect(short.json().error).toBe('FRAMING');
      expect(await f.store.backlog()).toBe(0);
      expect(await f.store.status(r.truth.meterId, String(r.truth.seq))).toBeUndefined();
    });
  });

  describe('429 above the high-water mark', () => {
    it('answers 429 with Retry-After without storing the reading, still answers duplicates, and accepts again once the backlog drops', async () => {
      await fresh({ highWater: 2, retryAfterS: 7 });
      expect((await post(good[0]!.bytes)).statusCode).toBe(202);
      expect((await post(good[1]!.bytes)).statusCode).toBe(202);
      const full = await post(good[2]!.bytes);
      expect(full.statusCode).toBe(429);
      expect(full.headers['retry-after']).toBe('7');
      expect(full.json().error).toBe('QUEUE_FULL');
      expect(await f.store.status(good[2]!.truth.meterId, String(good[2]!.truth.seq))).toBeUndefined();
      expect(await f.queue.depth()).toBe(2);
      // A duplicate of an accepted reading is still answered (it adds nothing).
      expect((await post(good[0]!.bytes)).statusCode).toBe(202);
      const key = readingKey(good[0]!.truth.meterId, String(good[0]!.truth.seq));
      expect(await f.store.finish(key, { status: 'committed', counter: 'committed', fields: { transactionId: 'tx' } }, Date.now())).toBe(true);
      expect((await post(good[2]!.bytes)).statusCode).toBe(202);
      expect((await f.store.stats()).throttled).toBe(1);
    });
  });

  describe('batches (length-prefixed framing)', () => {
    it('answers 202 when every item is accepted, else 207 with one answer per item in order', async () => {
      await fresh();
      const allGood = await post(encodeBatch([good[3]!.bytes, good[4]!.bytes]), BATCH_CONTENT_TYPE);
      expect(allGood.statusCode).toBe(202);
      expect(allGood.json().items.map((i: { httpStatus: number; receipt: { seq: string } }) => [i.httpStatus, i.receipt.seq])).toEqual([[202, String(good[3]!.truth.seq)], [202, String(good[4]!.truth.seq)]]);

      const mixed = await post(encodeBatch([
        good[6]!.bytes, forge(good[5]!.bytes), Buffer.from('junk'), good[3]!.bytes, conflictingTwin(dataset, good[4]!.bytes), unregistered[1]!.bytes, good[6]!.bytes,
      ]), BATCH_CONTENT_TYPE);
      expect(mixed.statusCode).toBe(207);
      const items = mixed.json().items as { index: number; httpStatus: number; error?: string; receipt?: { seq: string } }[];
      expect(items.map((i) => [i.index, i.httpStatus, i.error])).toEqual([
        [0, 202, undefined], [1, 400, 'BAD_SIGNATURE'], [2, 400, 'MALFORMED'], [3, 202, undefined], [4, 409, 'SEQ_CONFLICT'], [5, 400, 'UNKNOWN_METER'],
        // The same reading twice in one batch: judged in order, the second is a duplicate.
        [6, 202, undefined],
      ]);
      expect(items[6]!.receipt!.seq).toBe(String(good[6]!.truth.seq));
      expect(await f.store.backlog()).toBe(3);
      expect(await f.queue.depth()).toBe(3);
      expect((await f.store.stats()).duplicates).toBe(2);
    });
  });

  describe('operator routes', () => {
    it('need a valid API key (stored only as its SHA-256); report a reading\'s status, 404 for unknown, 400 for bad parameters', async () => {
      await fresh();
      const r = good[7]!;
      await post(r.bytes);
      const url = `/v1/readings/${r.truth.meterId}/${r.truth.seq}`;
      expect((await f.app.inject({ method: 'GET', url })).statusCode).toBe(401);
      expect((await f.app.inject({ method: 'GET', url, headers: { authorization: 'Bearer sl_wrong' } })).statusCode).toBe(401);
      const ok = await asOperator(url);
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ ...idOf(r), status: 'queued', attempts: 0 });
      expect((await asOperator(`/v1/readings/${r.truth.meterId}/999999`)).statusCode).toBe(404);
      expect((await asOperator(`/v1/readings/${r.truth.meterId}/0x1`)).statusCode).toBe(400);
      expect((await asOperator('/v1/readings/bad id/1')).statusCode).toBe(400);
      expect((await asOperator('/v1/stats')).statusCode).toBe(200);
      const stored = await f.redis.hgetall(f.store.operatorsKey);
      expect(Object.keys(stored)).toEqual([sha256Hex(Buffer.from(f.operatorKey))]);
      expect(JSON.stringify(stored)).not.toContain(f.operatorKey);
    });
  });

  describe('OpenAPI document, probes and metrics', () => {
    it('serves OpenAPI 3.1 generated from the route schemas', async () => {
      await fresh();
      const doc = (await f.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json();
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/readings', '/v1/readings/{meterId}/{seq}', '/v1/parked/replay', '/v1/stats', '/healthz', '/readyz']));
      expect(Object.keys(doc.paths['/v1/readings'].post.requestBody.content)).toEqual([READING_CONTENT_TYPE, BATCH_CONTENT_TYPE]);
      expect(Object.keys(doc.paths['/v1/readings'].post.responses)).toEqual(expect.arrayContaining(['202', '400', '409', '413', '415', '429']));
      const seqParam = doc.paths['/v1/readings/{meterId}/{seq}'].get.parameters.find((p: { name: string }) => p.name === 'seq');
      expect(seqParam.schema.pattern).toBe('^[1-9][0-9]{0,19}$');
    });

    it('answers /healthz and /readyz, and exposes Prometheus counters', async () => {
      await fresh();
      await post(good[8]!.bytes);
      await post(forge(good[9]!.bytes));
      await post(conflictingTwin(dataset, good[8]!.bytes));
      expect((await f.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      const ready = await f.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({ status: 'ready', redis: 'ok', ledger: 'ok' });
      const metrics = await f.app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.headers['content-type']).toContain('text/plain');
      expect(metrics.body).toMatch(/^ingest_accepted_total 1$/m);
      expect(metrics.body).toMatch(/^ingest_backlog_readings 1$/m);
      expect(metrics.body).toMatch(/^ingest_queue_jobs 1$/m);
      expect(metrics.body).toMatch(/^ingest_edge_refusals_total\{code="BAD_SIGNATURE"\} 1$/m);
      expect(metrics.body).toMatch(/^ingest_conflicts_total 1$/m);
    });

    it('answers /readyz 503 when Redis is gone', async () => {
      const own = await startRedis();
      f = await apiFixture(own);
      try {
        f.redis.on('error', () => undefined);
        f.queue.queue.on('error', () => undefined);
        // Let BullMQ finish connecting first: a kill during its start-up commands is another test.
        await f.queue.queue.waitUntilReady();
        await own.kill();
        const ready = await f.app.inject({ method: 'GET', url: '/readyz' });
        expect(ready.statusCode).toBe(503);
        expect(ready.json().redis).not.toBe('ok');
      } finally {
        await own.stop();
      }
    }, 20_000);
  });
});
