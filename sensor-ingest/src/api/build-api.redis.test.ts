import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_CONTENT_TYPE, READING_CONTENT_TYPE, encodeBatch } from '../reading/batch-framing.js';
import { readingKey, sha256Hex } from '../reading/reading-identity.js';
import { apiFixture, type ApiFixture } from '../test-support/api-fixture.js';
import { conflictingTwin, smallDataset } from '../test-support/readings.js';
import { redisMissing, startRedis, type LiveRedis } from '../test-support/redis-server.js';

const { dataset, readings } = smallDataset(4, 16);
const meters = dataset.fleet.meters;
/** The fourth meter is never registered. */
const registered = meters.slice(0, 3);
const registeredReadings = readings.filter((r) => r.truth.meterId !== meters[3]!.meterId);

function post(f: ApiFixture, body: Uint8Array, type = READING_CONTENT_TYPE) {
  return f.app.inject({ method: 'POST', url: '/v1/readings', headers: { 'content-type': type }, payload: Buffer.from(body) });
}

describe.skipIf(redisMissing())('ingest HTTP API against a real Redis', () => {
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

  async function fresh(limits = {}): Promise<ApiFixture> {
    f = await apiFixture(live, limits);
    for (const m of registered) f.ledger.register(m);
    return f;
  }

  it('answers 202 with a receipt, stores the reading durably and enqueues one job; the same bytes get the same receipt', async () => {
    await fresh();
    const r = registeredReadings[0]!;
    const first = await post(f, r.bytes);
    expect(first.statusCode).toBe(202);
    const receipt = first.json();
    expect(receipt).toEqual({ meterId: r.truth.meterId, seq: String(r.truth.seq), rawSha256: sha256Hex(r.bytes), status: 'queued' });
    const again = await post(f, r.bytes);
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual(receipt);
    expect(await f.store.backlog()).toBe(1);
    expect(await f.queue.depth()).toBe(1);
    expect(await f.queue.has(readingKey(r.truth.meterId, String(r.truth.seq)))).toBe(true);
    const stats = await f.store.stats();
    expect(stats.accepted).toBe(1);
    expect(stats.duplicates).toBe(1);
    // Durable: the write is in the AOF on disk (appendfsync always) before the 202.
    const persistence = await f.redis.info('persistence');
    expect(persistence).toMatch(/aof_enabled:1/);
    expect(await f.redis.config('GET', 'appendfsync')).toEqual(['appendfsync', 'always']);
  });

  it('answers 409 for other bytes under an accepted (meterId, seq) and keeps them as evidence', async () => {
    await fresh();
    const r = registeredReadings[1]!;
    expect((await post(f, r.bytes)).statusCode).toBe(202);
    const twin = conflictingTwin(dataset, r.bytes);
    const conflict = await post(f, twin);
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ error: 'SEQ_CONFLICT', meterId: r.truth.meterId, seq: String(r.truth.seq), recordedSha256: sha256Hex(r.bytes), offeredSha256: sha256Hex(twin) });
    // The original receipt is unchanged and only one reading is open.
    expect((await post(f, r.bytes)).json().rawSha256).toBe(sha256Hex(r.bytes));
    expect(await f.store.backlog()).toBe(1);
    const evidence = await f.app.inject({ method: 'GET', url: '/v1/conflicts', headers: { authorization: `Bearer ${f.operatorKey}` } });
    expect(evidence.statusCode).toBe(200);
    const [kept] = evidence.json().conflicts;
    expect(kept).toMatchObject({ meterId: r.truth.meterId, seq: String(r.truth.seq), offeredSha256: sha256Hex(twin), count: 1 });
    expect(Buffer.from(kept.rawBase64, 'base64').equals(Buffer.from(twin))).toBe(true);
  });

  it('refuses malformed, forged, unknown-meter and revoked-meter readings with 400 and the DLR1 code, storing nothing', async () => {
    await fresh();
    const malformed = await post(f, Buffer.from('DLR1 but not really'));
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error).toBe('MALFORMED');

    const forged = Uint8Array.from(registeredReadings[2]!.bytes);
    forged[forged.length - 80]! ^= 0xff;
    const bad = await post(f, forged);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'BAD_SIGNATURE', meterId: registeredReadings[2]!.truth.meterId });

    const other = readings.find((x) => x.truth.meterId === meters[3]!.meterId)!;
    const unknown = await post(f, other.bytes);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toBe('UNKNOWN_METER');

    const r = readings.find((x) => x.truth.meterId === meters[1]!.meterId)!;
    expect((await f.registry.lookup(meters[1]!.meterId))?.status).toBe('ACTIVE');
    f.registry.apply({ name: 'MeterRevoked', meterId: meters[1]!.meterId });
    const revoked = await post(f, r.bytes);
    expect(revoked.statusCode).toBe(400);
    expect(revoked.json().error).toBe('REVOKED_METER');

    expect(await f.store.backlog()).toBe(0);
    expect(await f.queue.depth()).toBe(0);
    const stats = await f.store.stats();
    expect(stats['edge:MALFORMED']).toBe(1);
    expect(stats['edge:BAD_SIGNATURE']).toBe(1);
    expect(stats['edge:UNKNOWN_METER']).toBe(1);
    expect(stats['edge:REVOKED_METER']).toBe(1);
    expect(stats.accepted).toBeUndefined();
  });

  it('answers 413 for an oversize body or reading and 415 for a wrong content type, storing nothing', async () => {
    await fresh({ maxReadingBytes: 2000, maxBatchItems: 2 });
    const big = await post(f, Buffer.alloc(3 * 2004 + 1, 1));
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toBe('TOO_LARGE');
    const tooBigReading = await post(f, Buffer.alloc(2001, 1));
    expect(tooBigReading.statusCode).toBe(413);
    const tooMany = await post(f, encodeBatch([registeredReadings[0]!.bytes, registeredReadings[1]!.bytes, registeredReadings[2]!.bytes].map((b) => b.subarray(0, 10))), BATCH_CONTENT_TYPE);
    expect(tooMany.statusCode).toBe(413);
    const json = await f.app.inject({ method: 'POST', url: '/v1/readings', headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(json.statusCode).toBe(415);
    expect(json.json().error).toBe('UNSUPPORTED_MEDIA_TYPE');
    const text = await post(f, registeredReadings[0]!.bytes, 'text/plain');
    expect(text.statusCode).toBe(415);
    expect(await f.store.backlog()).toBe(0);
  });

  it('answers 429 with Retry-After at the high-water mark, and accepts again once the backlog drops', async () => {
    await fresh({ highWater: 2, retryAfterS: 7 });
    expect((await post(f, registeredReadings[0]!.bytes)).statusCode).toBe(202);
    expect((await post(f, registeredReadings[1]!.bytes)).statusCode).toBe(202);
    const full = await post(f, registeredReadings[2]!.bytes);
    expect(full.statusCode).toBe(429);
    expect(full.headers['retry-after']).toBe('7');
    expect(full.json().error).toBe('QUEUE_FULL');
    // A duplicate of an accepted reading is still answered (it adds nothing).
    expect((await post(f, registeredReadings[0]!.bytes)).statusCode).toBe(202);
    const key = readingKey(registeredReadings[0]!.truth.meterId, String(registeredReadings[0]!.truth.seq));
    expect(await f.store.finish(key, { status: 'committed', counter: 'committed', fields: { transactionId: 'tx' } }, Date.now())).toBe(true);
    expect((await post(f, registeredReadings[2]!.bytes)).statusCode).toBe(202);
    expect((await f.store.stats()).throttled).toBe(1);
  });

  it('takes a framed batch: all good is 202, mixed verdicts are 207 with one answer per item', async () => {
    await fresh();
    const good = await post(f, encodeBatch([registeredReadings[3]!.bytes, registeredReadings[4]!.bytes]), BATCH_CONTENT_TYPE);
    expect(good.statusCode).toBe(202);
    expect(good.json().items.map((i: { httpStatus: number }) => i.httpStatus)).toEqual([202, 202]);
    const forged = Uint8Array.from(registeredReadings[5]!.bytes);
    forged[forged.length - 1]! ^= 0x01;
    const mixed = await post(f, encodeBatch([registeredReadings[6]!.bytes, forged, Buffer.from('junk'), registeredReadings[3]!.bytes, conflictingTwin(dataset, registeredReadings[4]!.bytes)]), BATCH_CONTENT_TYPE);
    expect(mixed.statusCode).toBe(207);
    const items = mixed.json().items as { index: number; httpStatus: number; error?: string; receipt?: { status: string } }[];
    expect(items.map((i) => [i.index, i.httpStatus, i.error])).toEqual([[0, 202, undefined], [1, 400, 'BAD_SIGNATURE'], [2, 400, 'MALFORMED'], [3, 202, undefined], [4, 409, 'SEQ_CONFLICT']]);
    expect(await f.store.backlog()).toBe(3);
    const framing = await post(f, Buffer.from([0, 0, 0, 9, 1, 2]), BATCH_CONTENT_TYPE);
    expect(framing.statusCode).toBe(400);
    expect(framing.json().error).toBe('FRAMING');
    expect(await f.store.backlog()).toBe(3);
  });

  it('reports a reading\'s status to operators with a key (stored hashed), 401 without, 404 for unknown', async () => {
    await fresh();
    const r = registeredReadings[7]!;
    await post(f, r.bytes);
    const url = `/v1/readings/${r.truth.meterId}/${r.truth.seq}`;
    expect((await f.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    expect((await f.app.inject({ method: 'GET', url, headers: { authorization: 'Bearer sl_wrong' } })).statusCode).toBe(401);
    const ok = await f.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${f.operatorKey}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ meterId: r.truth.meterId, seq: String(r.truth.seq), status: 'queued', attempts: 0 });
    const missing = await f.app.inject({ method: 'GET', url: `/v1/readings/${r.truth.meterId}/999999`, headers: { authorization: `Bearer ${f.operatorKey}` } });
    expect(missing.statusCode).toBe(404);
    const badSeq = await f.app.inject({ method: 'GET', url: `/v1/readings/${r.truth.meterId}/0x1`, headers: { authorization: `Bearer ${f.operatorKey}` } });
    expect(badSeq.statusCode).toBe(400);
    const hashes = await f.redis.hkeys(f.store.operatorsKey);
    expect(hashes).toHaveLength(1);
    expect(hashes[0]).not.toContain(f.operatorKey);
    expect(hashes[0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('serves its OpenAPI 3.1 document, probes and Prometheus metrics', async () => {
    await fresh();
    await post(f, registeredReadings[8]!.bytes);
    const doc = (await f.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/readings', '/v1/readings/{meterId}/{seq}', '/healthz', '/readyz']));
    expect(Object.keys(doc.paths['/v1/readings'].post.requestBody.content)).toEqual(expect.arrayContaining([READING_CONTENT_TYPE, BATCH_CONTENT_TYPE]));
    expect(Object.keys(doc.paths['/v1/readings'].post.responses)).toEqual(expect.arrayContaining(['202', '400', '409', '413', '415', '429']));
    expect((await f.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ready = await f.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', redis: 'ok', ledger: 'ok' });
    const metrics = await f.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(/^ingest_accepted_total 1$/m);
    expect(metrics.body).toMatch(/^ingest_backlog_readings 1$/m);
    expect(metrics.body).toMatch(/^ingest_queue_jobs 1$/m);
  });

  it('answers /readyz 503 when Redis is gone', async () => {
    const own = await startRedis();
    f = await apiFixture(own);
    try {
      f.redis.on('error', () => undefined);
      f.queue.queue.on('error', () => undefined);
      await own.kill();
      const ready = await f.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().redis).not.toBe('ok');
    } finally {
      await own.stop();
    }
  }, 20_000);
});
