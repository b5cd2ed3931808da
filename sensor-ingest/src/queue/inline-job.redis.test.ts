import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisMissing, startRedis, type LiveRedis } from '../test-support/redis-server.js';
import { ADD_READING_JOB_LUA, INLINE_JOB_KEY_COUNT, type InlineJobSpec } from './inline-job.js';
import { IngestQueue, QUEUE_NAME, type ReadingJobData } from './ingest-queue.js';

/** Calls the Lua function alone (the accept script embeds the same text). */
const ADD_ONLY = `${ADD_READING_JOB_LUA}\nreturn addReadingJob(1, ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])`;

function addInline(redis: Redis, spec: InlineJobSpec, jobId: string, timestamp: number): Promise<number> {
  return redis.eval(ADD_ONLY, INLINE_JOB_KEY_COUNT, ...spec.keys, jobId, timestamp, spec.jobKeyPrefix, spec.name, spec.optsTemplate) as Promise<number>;
}

/** A job hash with its JSON fields parsed and the timestamp set aside (it differs by construction). */
async function jobHash(redis: Redis, key: string): Promise<Record<string, unknown>> {
  const { timestamp, data, opts, ...rest } = await redis.hgetall(key);
  expect(Number(timestamp)).toBeGreaterThan(0);
  return { ...rest, data: JSON.parse(data!), opts: JSON.parse(opts!) };
}

/** Event names of the queue's events stream, oldest first. */
async function events(redis: Redis, queue: IngestQueue): Promise<string[]> {
  const entries = await redis.xrange(queue.queue.keys.events!, '-', '+');
  return entries.map(([, fields]) => `${fields[1]}:${fields[3]}`);
}

describe.skipIf(redisMissing())('a job written by the accept script is the job BullMQ would write', () => {
  let live: LiveRedis;
  let redis: Redis;
  const queues: IngestQueue[] = [];
  const workers: Worker[] = [];
  let n = 0;

  function queue(): IngestQueue {
    const q = new IngestQueue({ host: '127.0.0.1', port: live.port }, `inline${++n}:bull`);
    queues.push(q);
    return q;
  }

  beforeAll(async () => {
    live = await startRedis();
    redis = live.client();
  }, 20_000);
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
    await Promise.all(queues.splice(0).map((q) => q.close()));
  });
  afterAll(async () => {
    redis?.disconnect();
    await live?.stop();
  });

  it('writes the same hash, lists, marker and events as Queue.addBulk', async () => {
    const byBullmq = queue();
    const inline = queue();
    await byBullmq.enqueue(['SP-000001@7']);
    expect(await addInline(redis, inline.inlineJob, 'SP-000001@7', Date.now())).toBe(1);

    const a = byBullmq.queue.keys;
    const b = inline.queue.keys;
    expect(await jobHash(redis, `${b['']}SP-000001@7`)).toEqual(await jobHash(redis, `${a['']}SP-000001@7`));
    expect(await redis.lrange(b.wait!, 0, -1)).toEqual(await redis.lrange(a.wait!, 0, -1));
    expect(await redis.zrange(b.marker!, 0, -1, 'WITHSCORES')).toEqual(await redis.zrange(a.marker!, 0, -1, 'WITHSCORES'));
    expect(await redis.get(b.id!)).toEqual(await redis.get(a.id!));
    expect(await redis.hgetall(b.meta!)).toEqual(await redis.hgetall(a.meta!));
    expect(await events(redis, inline)).toEqual(await events(redis, byBullmq));
    expect(await events(redis, inline)).toEqual(['added:SP-000001@7', 'waiting:SP-000001@7']);
    // BullMQ's reading of both: the same Job.
    const [fromBullmq, fromInline] = [await byBullmq.queue.getJob('SP-000001@7'), await inline.queue.getJob('SP-000001@7')];
    expect(fromInline!.data).toEqual({ key: 'SP-000001@7' });
    expect(fromInline!.opts).toEqual(fromBullmq!.opts);
    expect(await fromInline!.getState()).toBe('waiting');

    // An existing id: nothing added, `duplicated` as BullMQ emits it.
    await byBullmq.enqueue(['SP-000001@7']);
    expect(await addInline(redis, inline.inlineJob, 'SP-000001@7', Date.now())).toBe(0);
    expect(await inline.depth()).toBe(1);
    expect(await events(redis, inline)).toEqual(await events(redis, byBullmq));
    expect(await redis.get(b.id!)).toEqual(await redis.get(a.id!));
  });

  it('goes to the paused list of a paused queue, as BullMQ does, and waits for resume', async () => {
    const byBullmq = queue();
    const inline = queue();
    await byBullmq.queue.pause();
    await inline.queue.pause();
    await byBullmq.enqueue(['M@1']);
    await addInline(redis, inline.inlineJob, 'M@1', Date.now());
    expect(await redis.lrange(inline.queue.keys.paused!, 0, -1)).toEqual(['M@1']);
    expect(await redis.lrange(inline.queue.keys.paused!, 0, -1)).toEqual(await redis.lrange(byBullmq.queue.keys.paused!, 0, -1));
    expect(await redis.exists(inline.queue.keys.marker!)).toBe(await redis.exists(byBullmq.queue.keys.marker!));
    expect(await (await inline.queue.getJob('M@1'))!.getState()).toBe(await (await byBullmq.queue.getJob('M@1'))!.getState());
    await inline.queue.resume();
    expect(await redis.lrange(inline.queue.keys.wait!, 0, -1)).toEqual(['M@1']);
    expect(await redis.zcard(inline.queue.keys.marker!)).toBe(1);
  });

  it('at the queue\'s global concurrency limit, waits without waking workers, as BullMQ does', async () => {
    const byBullmq = queue();
    const inline = queue();
    for (const q of [byBullmq, inline]) {
      await q.queue.setGlobalConcurrency(1);
      // One job counted as active fills the limit (the scripts only count the active list).
      await redis.lpush(q.queue.keys.active!, 'busy@1');
    }
    await byBullmq.enqueue(['M@2']);
    await addInline(redis, inline.inlineJob, 'M@2', Date.now());
    expect(await redis.lrange(inline.queue.keys.wait!, 0, -1)).toEqual(['M@2']);
    expect(await redis.exists(byBullmq.queue.keys.marker!)).toBe(0);
    expect(await redis.exists(inline.queue.keys.marker!)).toBe(0);
    // Below the limit both wake the workers.
    for (const q of [byBullmq, inline]) await redis.del(q.queue.keys.active!);
    await byBullmq.enqueue(['M@3']);
    await addInline(redis, inline.inlineJob, 'M@3', Date.now());
    expect(await redis.zrange(inline.queue.keys.marker!, 0, -1, 'WITHSCORES')).toEqual(await redis.zrange(byBullmq.queue.keys.marker!, 0, -1, 'WITHSCORES'));
    expect(await redis.zcard(inline.queue.keys.marker!)).toBe(1);
  });

  it('is processed by a real Worker like a BullMQ-added job: data, opts, retry with the custom backoff, removal on completion', async () => {
    const inline = queue();
    const seen: { id: string; data: ReadingJobData; attemptsMade: number }[] = [];
    const worker = new Worker<ReadingJobData>(QUEUE_NAME, async (job: Job<ReadingJobData>) => {
      seen.push({ id: job.id!, data: job.data, attemptsMade: job.attemptsMade });
      // The first attempt of each job fails: the retry goes through BullMQ's delayed set and the custom strategy.
      if (job.attemptsMade === 0) throw new Error('transient');
    }, {
      connection: { host: '127.0.0.1', port: live.port, maxRetriesPerRequest: null }, prefix: `inline${n}:bull`,
      settings: { backoffStrategy: () => 50 },
    });
    workers.push(worker);
    const completed = new Promise<void>((resolve) => {
      let done = 0;
      worker.on('completed', () => { if (++done === 3) resolve(); });
    });
    for (const id of ['A@1', 'B@2', 'C@3']) await addInline(redis, inline.inlineJob, id, Date.now());
    await completed;
    expect(seen.filter((s) => s.attemptsMade === 0).map((s) => s.id).sort()).toEqual(['A@1', 'B@2', 'C@3']);
    expect(seen.filter((s) => s.attemptsMade === 1).map((s) => s.id).sort()).toEqual(['A@1', 'B@2', 'C@3']);
    for (const s of seen) expect(s.data).toEqual({ key: s.id });
    // removeOnComplete: true from the stored opts took effect.
    await expect.poll(async () => redis.exists(`${inline.queue.keys['']}A@1`)).toBe(0);
    expect(await inline.depth()).toBe(0);
  });
});
