import { LedgerError } from '@speedledger/ledger-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, eventually, smallFleet, type Harness } from '../test-support/ingest-harness.js';
import { MemoryLedger } from '../test-support/memory-ledger.js';
import { redisMissing, startRedis, type LiveRedis } from '../test-support/redis-server.js';

const missing = redisMissing();
if (missing && process.env.CI) throw new Error(missing);

/*
 * Workers against a real Redis and BullMQ, with the ledger behind the ReadingLedger interface
 * (an in-memory stand-in with the chaincode's reading rules and injected faults). The real
 * ledger-client adapters are exercised by the .net tests.
 */
describe.skipIf(missing !== undefined)('ingest worker: batching, outcomes, exactly once', { timeout: 60_000 }, () => {
  let redis: LiveRedis;
  const fleet = smallFleet(5, 60, 4_242);

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  async function withHarness(prefix: string, run: (h: Harness, ledger: MemoryLedger) => Promise<void>): Promise<void> {
    const ledger = new MemoryLedger();
    for (const meter of fleet.meters) ledger.register(meter);
    const h = await createHarness(redis, ledger, {}, prefix);
    try {
      await run(h, ledger);
    } finally {
      await h.close();
    }
  }

  const post = (h: Harness, bytes: Uint8Array) => h.app.inject({ method: 'POST', url: '/v1/readings', headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.from(bytes) });

  it('commits every accepted reading exactly once, in batches, one meter never in two concurrent transactions', async () => {
    await withHarness('w1', async (h, ledger) => {
      ledger.submitDelayMs = 30;
      const readings = fleet.readings.slice(0, 40);
      for (const r of readings) expect((await post(h, r.bytes)).statusCode).toBe(202);
      for (const r of readings.slice(0, 10)) expect((await post(h, r.bytes)).statusCode).toBe(202); // duplicates
      await h.startWorker({ maxBatch: 8, maxConcurrentBatches: 3 });
      await eventually(async () => ((await h.store.backlog()) === 0 ? true : undefined), 20_000, 'backlog drained');
      expect(ledger.records.size).toBe(40);
      expect(ledger.overlaps).toEqual([]);
      expect(ledger.transactions.length).toBeLessThan(40);
      expect(Math.max(...ledger.transactions.map((t) => t.meterIds.length))).toBeGreaterThan(1);
      for (const r of readings) {
        const status = await h.store.status(r.truth.meterId, String(r.truth.seq));
        expect(status).toMatchObject({ status: 'committed', attempts: 1 });
        expect(ledger.records.get(`${r.truth.meterId}/${r.truth.seq}`)!.txId).toBe(status!.transactionId);
      }
      expect((await h.store.stats()).committed).toBe(40);
    });
  });

  it('a batch refused for its size (RESOURCE_EXHAUSTED) is split until it fits, and batches keep under maxBatchBytes', async () => {
    await withHarness('w-size', async (h, ledger) => {
      const readings = fleet.readings.slice(44, 56);
      const largest = Math.max(...readings.map((r) => r.bytes.length));
      // The "orderer" takes about three readings per transaction.
      ledger.envelopeLimitBytes = Math.ceil(largest / 3) * 4 * 3 + 16;
      for (const r of readings.slice(0, 8)) expect((await post(h, r.bytes)).statusCode).toBe(202);
      const worker = await h.startWorker({ maxBatch: 20, maxWaitMs: 300, maxBatchBytes: 64 * 1024 * 1024 });
      await eventually(async () => ((await h.store.backlog()) === 0 ? true : undefined), 20_000, 'split batches committed');
      expect(ledger.tooLarge).toBeGreaterThan(0);
      for (const r of readings.slice(0, 8)) expect(await h.store.status(r.truth.meterId, String(r.truth.seq))).toMatchObject({ status: 'committed' });
      await worker.close();

      // With a byte budget under the limit no batch is refused at all.
      const refusedBefore = ledger.tooLarge;
      await h.startWorker({ maxBatch: 20, maxWaitMs: 300, maxBatchBytes: largest * 3 });
      for (const r of readings.slice(8)) expect((await post(h, r.bytes)).statusCode).toBe(202);
      await eventually(async () => ((await h.store.backlog()) === 0 ? true : undefined), 20_000, 'budgeted batches committed');
      expect(ledger.tooLarge).toBe(refusedBefore);
      expect(ledger.records.size).toBe(12);
      expect(ledger.overlaps).toEqual([]);
    });
  });

  it('transient failures back off and retry; bounded attempts park; replay commits the parked', async () => {
    await withHarness('w2', async (h, ledger) => {
      const readings = fleet.readings.slice(40, 44);
      const unavailable = new LedgerError('SUBMIT_FAILED', 'orderer SERVICE_UNAVAILABLE', { stage: 'submit' });
      ledger.faults.push({ error: unavailable }, { error: unavailable });
      for (const r of readings.slice(0, 2)) expect((await post(h, r.bytes)).statusCode).toBe(202);
      // Both readings must share each batch (the attempt counts below rely on it): the default
      // 200 ms gathering window was once too short for the worker to fetch the second job on a
      // starved machine (full suite at load 30), splitting them into two batches.
      await h.startWorker({ maxBatch: 10, maxAttempts: 3, maxWaitMs: 1_000 });
      await eventually(async () => ((await h.store.backlog()) === 0 ? true : undefined), 20_000, 'retried to commit');
      for (const r of readings.slice(0, 2)) expect(await h.store.status(r.truth.meterId, String(r.truth.seq))).toMatchObject({ status: 'committed', attempts: 3 });
      expect((await h.store.stats())['retries:SUBMIT_FAILED']).toBe(4);

      for (let i = 0; i < 3; i += 1) ledger.faults.push({ error: new LedgerError('UNAVAILABLE', 'peer down', { stage: 'endorse' }) });
      expect((await post(h, readings[2]!.bytes)).statusCode).toBe(202);
      const parked = await eventually(async () => {
        const s = await h.store.status(readings[2]!.truth.meterId, String(readings[2]!.truth.seq));
        return s?.status === 'parked' ? s : undefined;
      }, 20_000, 'parked');
      expect(parked).toMatchObject({ attempts: 3, cause: 'UNAVAILABLE' });
      expect(ledger.records.has(`${readings[2]!.truth.meterId}/${readings[2]!.truth.seq}`)).toBe(false);
      const replay = await h.app.inject({ method: 'POST', url: '/v1/parked/replay', headers: { authorization: `Bearer ${h.operatorKey}`, 'content-type': 'application/json' }, payload: '{}' });
      expect(replay.json().replayed).toEqual([`${readings[2]!.truth.meterId}@${readings[2]!.truth.seq}`]);
      await eventually(async () => ((await h.store.status(readings[2]!.truth.meterId, String(readings[2]!.truth.seq)))?.status === 'committed' ? true : undefined), 20_000, 'replayed commit');
    });
  });

  it('an unknown outcome (commit timeout after send) is resolved by lookup, not by a second transaction', async () => {
    await withHarness('w3', async (h, ledger) => {
      const reading = fleet.readings[44]!;
      ledger.faults.push({ error: new LedgerError('TIMEOUT', 'commit status deadline', { stage: 'commit' }), commitAnyway: true });
      expect((await post(h, reading.bytes)).statusCode).toBe(202);
      await h.startWorker({ maxBatch: 10 });
      const status = await eventually(async () => {
        const s = await h.store.status(reading.truth.meterId, String(reading.truth.seq));
        return s?.status === 'committed' ? s : undefined;
      }, 20_000, 'resolved');
      expect(status).toMatchObject({ alreadyCommitted: true, attempts: 1 });
      expect(ledger.transactions).toHaveLength(1);
      expect(status.transactionId).toBe(ledger.transactions[0]!.transactionId);
    });
  });

  it('a worker that died mid-submit (reading left `submitted`, tx committed) is resumed by lookup: no second transaction', async () => {
    await withHarness('w6', async (h, ledger) => {
      const reading = fleet.readings[56]!;
      const key = `${reading.truth.meterId}@${reading.truth.seq}`;
      expect((await post(h, reading.bytes)).statusCode).toBe(202);
      // What a kill -9 between send and record leaves behind: the record says submitted, the ledger has it.
      expect(await h.store.progress(key, 'submitted', Date.now(), '', true)).toBe(1);
      const sent = await ledger.submitReadings([reading.bytes]);
      await h.startWorker();
      const status = await eventually(async () => {
        const s = await h.store.status(reading.truth.meterId, String(reading.truth.seq));
        return s?.status === 'committed' ? s : undefined;
      }, 20_000, 'resumed');
      expect(status).toMatchObject({ alreadyCommitted: true, transactionId: sent.transactionId, attempts: 1 });
      expect(ledger.transactions).toHaveLength(1);
    });
  });

  it('permanent refusals keep the chaincode code; a revoked meter is refused by the ledger even if the edge let it in', async () => {
    await withHarness('w4', async (h, ledger) => {
      const reading = fleet.readings[45]!;
      expect((await post(h, reading.bytes)).statusCode).toBe(202);
      ledger.revoke(reading.truth.meterId);
      await h.startWorker();
      const status = await eventually(async () => {
        const s = await h.store.status(reading.truth.meterId, String(reading.truth.seq));
        return s?.status === 'refused' ? s : undefined;
      }, 20_000, 'refused');
      expect(status.code).toBe('REVOKED_METER');
      expect((await h.store.stats())['refused:REVOKED_METER']).toBe(1);
      // Revocation event at the edge: the cache refuses the meter at once.
      h.registry.apply({ name: 'MeterRevoked', meterId: reading.truth.meterId });
      const next = fleet.readings.find((r) => r.truth.meterId === reading.truth.meterId && r.truth.seq > reading.truth.seq)!;
      const refused = await post(h, next.bytes);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error).toBe('REVOKED_METER');
    });
  });

  it('kill -9 and restart Redis: every 202 survives (AOF, fsync always) and commits once', async () => {
    await withHarness('w5', async (h, ledger) => {
      const readings = fleet.readings.slice(46, 56);
      for (const r of readings) expect((await post(h, r.bytes)).statusCode).toBe(202);
      await redis.kill();
      await redis.restart();
      await eventually(async () => ((await h.store.redis.ping()) === 'PONG' ? true : undefined), 10_000, 'reconnected');
      expect(await h.store.backlog()).toBe(10);
      await h.startWorker({ maxBatch: 4 });
      await eventually(async () => ((await h.store.backlog()) === 0 ? true : undefined), 20_000, 'drained after restart');
      for (const r of readings) expect((await h.store.status(r.truth.meterId, String(r.truth.seq)))!.status).toBe('committed');
      expect(ledger.records.size).toBe(10);
    });
  });
});
