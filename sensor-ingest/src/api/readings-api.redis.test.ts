import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_CONTENT_TYPE, encodeBatch } from '../reading/batch-framing.js';
import { sha256Hex } from '../reading/reading-identity.js';
import { conflictingTwin, createHarness, forge, smallFleet, type Harness } from '../test-support/ingest-harness.js';
import { MemoryLedger } from '../test-support/memory-ledger.js';
import { redisMissing, startRedis, type LiveRedis } from '../test-support/redis-server.js';

const missing = redisMissing();
if (missing && process.env.CI) throw new Error(missing);

describe.skipIf(missing !== undefined)('POST /v1/readings against a real Redis (edge, idempotency, limits)', () => {
  let redis: LiveRedis;
  let h: Harness;
  const ledger = new MemoryLedger();
  const fleet = smallFleet(4, 24, 9_001);
  const unregistered = fleet.readings.filter((r) => r.truth.meterId === fleet.meters[3]!.meterId);
  const readings = fleet.readings.filter((r) => r.truth.meterId !== fleet.meters[3]!.meterId);

  beforeAll(async () => {
    for (const meter of fleet.meters.slice(0, 3)) ledger.register(meter);
    redis = await startRedis();
    h = await createHarness(redis, ledger, { highWater: 1_000 });
  });

  afterAll(async () => {
    await h?.close();
    await redis?.stop();
  });

  const post = (body: Uint8Array, type = 'application/octet-stream') =>
    h.app.inject({ method: 'POST', url: '/v1/readings', headers: { 'content-type': type }, payload: Buffer.from(body) });

  async function keysNow(): Promise<number> {
    return (await h.store.redis.keys(`${h.store.prefix}:*`)).length;
  }

  it('202 with a receipt once stored; the same bytes again get the same receipt and no second job', async () => {
    const reading = readings[0]!;
    const first = await post(reading.bytes);
    expect(first.statusCode).toBe(202);
    const receipt = first.json();
    expect(receipt).toEqual({ meterId: reading.truth.meterId, seq: String(reading.truth.seq), rawSha256: sha256Hex(reading.bytes), status: 'queued' });
    const again = await post(reading.bytes);
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual(receipt);
    expect(await h.queue.depth()).toBe(1);
    expect(await h.store.backlog()).toBe(1);
    const status = await h.app.inject({ method: 'GET', url: `/v1/readings/${reading.truth.meterId}/${reading.truth.seq}`, headers: { authorization: `Bearer ${h.operatorKey}` } });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ status: 'queued', attempts: 0, rawSha256: receipt.rawSha256 });
  });

  it('409 for other (validly signed) bytes under an accepted (meterId, seq), kept as evidence', async () => {
    const original = readings[1]!;
    expect((await post(original.bytes)).statusCode).toBe(202);
    const other = conflictingTwin(original, fleet.signers.get(original.truth.meterId)!);
    const conflict = await post(other);
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ error: 'SEQ_CONFLICT', meterId: original.truth.meterId, seq: String(original.truth.seq), recordedSha256: sha256Hex(original.bytes), offeredSha256: sha256Hex(other) });
    const evidence = await h.app.inject({ method: 'GET', url: '/v1/conflicts', headers: { authorization: `Bearer ${h.operatorKey}` } });
    expect(evidence.json().conflicts).toEqual([expect.objectContaining({ meterId: original.truth.meterId, offeredSha256: sha256Hex(other), count: 1, rawBase64: Buffer.from(other).toString('base64') })]);
    // The original stays what was accepted.
    expect((await h.store.status(original.truth.meterId, String(original.truth.seq)))!.rawSha256).toBe(sha256Hex(original.bytes));
  });

  it('400 with the DLR1 reason for malformed, forged, unregistered input; nothing written', async () => {
    const before = await keysNow();
    const backlog = await h.store.backlog();
    const malformed = await post(readings[2]!.bytes.subarray(0, 100));
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error).toBe('MALFORMED');
    const forged = await post(forge(readings[2]!.bytes));
    expect(forged.statusCode).toBe(400);
    expect(forged.json()).toMatchObject({ error: 'BAD_SIGNATURE', meterId: readings[2]!.truth.meterId, seq: String(readings[2]!.truth.seq) });
    const unknown = await post(unregistered[0]!.bytes);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toBe('UNKNOWN_METER');
    expect(await h.store.backlog()).toBe(backlog);
    // Only the stats hash may have changed (refusal counters); no record, no job.
    expect(await keysNow()).toBe(before + (before === 0 ? 1 : 0));
    expect((await h.store.stats())['edge:BAD_SIGNATURE']).toBe(1);
  });

  it('415 for a wrong content type, 413 for an oversize reading or batch, nothing written', async () => {
    const backlog = await h.store.backlog();
    expect((await post(readings[3]!.bytes, 'application/json')).statusCode).toBe(415);
    expect((await post(readings[3]!.bytes, 'text/plain')).statusCode).toBe(415);
    const huge = new Uint8Array(144 + 4 * 32768 + 1);
    const tooBig = await post(huge);
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error).toBe('TOO_LARGE');
    const tooMany = await post(encodeBatch(Array.from({ length: 101 }, () => readings[3]!.bytes)), BATCH_CONTENT_TYPE);
    expect(tooMany.statusCode).toBe(413);
    const badFrame = await post(Buffer.concat([encodeBatch([readings[3]!.bytes]), Buffer.from([0, 0, 1])]), BATCH_CONTENT_TYPE);
    expect(badFrame.statusCode).toBe(400);
    expect(badFrame.json().error).toBe('FRAMING');
    expect(await h.store.backlog()).toBe(backlog);
    expect(await h.store.status(readings[3]!.truth.meterId, String(readings[3]!.truth.seq))).toBeUndefined();
  });

  it('a batch with mixed items answers 207 item by item; an all-good batch 202', async () => {
    const good = [readings[4]!, readings[5]!];
    const mixed = await post(encodeBatch([good[0]!.bytes, forge(good[1]!.bytes), good[0]!.bytes, unregistered[1]!.bytes]), BATCH_CONTENT_TYPE);
    expect(mixed.statusCode).toBe(207);
    expect(mixed.json().items.map((i: { httpStatus: number }) => i.httpStatus)).toEqual([202, 400, 202, 400]);
    expect(mixed.json().items[1].error).toBe('BAD_SIGNATURE');
    expect(mixed.json().items[3].error).toBe('UNKNOWN_METER');
    const allGood = await post(encodeBatch([good[1]!.bytes, readings[6]!.bytes]), BATCH_CONTENT_TYPE);
    expect(allGood.statusCode).toBe(202);
    expect(allGood.json().items.map((i: { receipt: { seq: string } }) => i.receipt.seq)).toEqual([String(good[1]!.truth.seq), String(readings[6]!.truth.seq)]);
  });

  it('429 with Retry-After above the high-water mark; the reading is not stored', async () => {
    const small = await createHarness(redis, ledger, { highWater: 2, retryAfterS: 3 }, 'hw');
    try {
      const sent = readings.slice(7, 10);
      const codes = [];
      for (const r of sent) codes.push((await small.app.inject({ method: 'POST', url: '/v1/readings', headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.from(r.bytes) })));
      expect(codes.map((c) => c.statusCode)).toEqual([202, 202, 429]);
      expect(codes[2]!.headers['retry-after']).toBe('3');
      expect(await small.store.status(sent[2]!.truth.meterId, String(sent[2]!.truth.seq))).toBeUndefined();
    } finally {
      await small.close();
    }
  });

  it('operator routes need a valid API key; keys are stored only as hashes', async () => {
    const url = `/v1/readings/${readings[0]!.truth.meterId}/${readings[0]!.truth.seq}`;
    expect((await h.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url, headers: { authorization: 'Bearer sl_wrong' } })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/v1/stats', headers: { authorization: `Bearer ${h.operatorKey}` } })).statusCode).toBe(200);
    const stored = await h.store.redis.hgetall(h.store.operatorsKey);
    expect(Object.keys(stored)).toEqual([sha256Hex(Buffer.from(h.operatorKey))]);
    expect(JSON.stringify(stored)).not.toContain(h.operatorKey);
    expect((await h.app.inject({ method: 'GET', url: '/v1/readings/bad id/1', headers: { authorization: `Bearer ${h.operatorKey}` } })).statusCode).toBe(400);
    expect((await h.app.inject({ method: 'GET', url: '/v1/readings/SP-000009/999', headers: { authorization: `Bearer ${h.operatorKey}` } })).statusCode).toBe(404);
  });

  it('serves OpenAPI 3.1 from the route schemas, health, readiness and Prometheus metrics', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/readings', '/v1/readings/{meterId}/{seq}', '/v1/parked/replay', '/v1/stats']));
    expect(Object.keys(doc.paths['/v1/readings'].post.requestBody.content)).toEqual(['application/octet-stream', 'application/vnd.speedledger.dlr1-batch']);
    expect(doc.paths['/v1/readings'].post.responses).toHaveProperty('409');
    const seqParam = doc.paths['/v1/readings/{meterId}/{seq}'].get.parameters.find((p: { name: string }) => p.name === 'seq');
    expect(seqParam.schema.pattern).toBe('^[1-9][0-9]{0,19}$');
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready', redis: 'ok', ledger: 'ok' });
    const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^ingest_backlog_readings \d+$/m);
    expect(metrics).toMatch(/^ingest_edge_refusals_total\{code="BAD_SIGNATURE"\} [1-9]/m);
    expect(metrics).toMatch(/^ingest_conflicts_total 1$/m);
  });
});
