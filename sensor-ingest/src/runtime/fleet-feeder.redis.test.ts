import { createReadingStream, realClock } from '@speedledger/datasets';
import { Prng } from '@speedledger/orderer-bft/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestHttpClient } from '../adapters/ingest-http-client.js';
import { saoPauloTime } from '../feed/feed-plan.js';
import { createHarness } from '../test-support/ingest-harness.js';
import { MemoryLedger } from '../test-support/memory-ledger.js';
import { redisMissing, startRedis, type LiveRedis } from '../test-support/redis-server.js';
import { runFeed, type FeedProgress } from './fleet-feeder.js';

const missing = redisMissing();
if (missing && process.env.CI) throw new Error(missing);

/*
 * The feeder against the real API on a real socket and a real Redis, the ledger behind it the
 * in-memory stand-in (the live .net suite feeds the embedded network). A high-water mark of 5
 * makes the API throttle, so the meters' keep-and-retry path is exercised.
 */
describe.skipIf(missing !== undefined)('speedledger feed against the API', { timeout: 90_000 }, () => {
  let redis: LiveRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('hands off every generated reading through 429s and reconciles all of them as committed exactly once', async () => {
    const meters = 6;
    const seed = 31;
    const ledger = new MemoryLedger();
    for (const meter of createReadingStream({ meters, seed, speedup: Infinity }).fleet.meters) ledger.register(meter);
    // A ledger slower than the feed (one batch of ≤ 10 per 100 ms) so the backlog passes the
    // high-water mark however fast this machine signs and posts: 429s are certain, not timing luck.
    ledger.submitDelayMs = 100;
    const h = await createHarness(redis, ledger, { highWater: 5, retryAfterS: 1 }, 'feed1');
    await h.startWorker({ maxBatch: 10, maxWaitMs: 50, maxConcurrentBatches: 1 });
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const address = h.app.server.address() as { port: number };
    const client = new IngestHttpClient(`http://127.0.0.1:${address.port}`, h.operatorKey, 16);
    const prng = new Prng(7);
    const progress: FeedProgress[] = [];
    try {
      const result = await runFeed({
        meters, seed, firstSeq: 500, client, random: () => prng.float(), ...realClock,
        plan: { profile: 'saopaulo', startTime: saoPauloTime('2026-03-02', '07:30')!, speedup: 15, durationMs: 3_000 },
        progressIntervalMs: 500, onProgress: (p) => progress.push(p), drainTimeoutMs: 60_000,
      });
      const { reconciliation: r, figures } = result;
      if (process.env.FEED_TEST_LOG) console.log(JSON.stringify({ r, figures, progress }));
      expect(r.generated).toBeGreaterThan(20);
      expect(r).toMatchObject({ accepted: r.generated, committed: r.generated, undelivered: 0, pending: 0, missing: [], zeroLoss: true, edgeRefused: {} });
      expect(figures.throttled).toBeGreaterThan(0);
      expect(figures.drainS).not.toBeNull();
      expect(figures.receiptToCommitP99Ms).not.toBeNull();
      // On the ledger: one record per generated reading, seqs from firstSeq on.
      expect(ledger.records.size).toBe(r.generated);
      expect(Math.min(...[...ledger.records.values()].map((rec) => Number(rec.seq)))).toBe(500);
      // Progress is reported (the first sample may land after feeding ends on a loaded machine).
      expect(progress.some((p) => p.offered > 0)).toBe(true);
      expect(ledger.overlaps).toEqual([]);
    } finally {
      client.close();
      await h.close();
    }
  });
});
