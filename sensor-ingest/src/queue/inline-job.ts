/*
 * The reading's BullMQ job, written by the accept script itself: one Redis round trip and one
 * fsync wait per reading instead of two, and none of BullMQ's per-job client work (Job object,
 * msgpack, one pipeline per add), which was the API's largest cost after the signature check.
 *
 * The Lua below repeats what BullMQ's own `addStandardJob` script (bullmq 5.81) does for a job
 * with a custom id, no parent, no delay, no priority, no deduplication, FIFO: INCR of the id
 * counter, the events stream's max length, a duplicate id only emits `duplicated`, the job hash
 * (name, data, opts, timestamp, delay, priority), `added`, the wait (or paused) list, the
 * worker marker unless paused or at the queue's concurrency limit, `waiting`. The job's `opts`
 * JSON is derived from BullMQ's own Job class at start-up, so its encoding cannot drift;
 * `inline-job.redis.test.ts` compares a job written here with one written by `Queue.addBulk`
 * field by field and runs both through a real Worker — rerun it on every BullMQ upgrade.
 */
import { Job, type Queue } from 'bullmq';

/** Everything a Lua script needs to add one reading's job as `Queue.addBulk` would. */
export interface InlineJobSpec {
  /** BullMQ's keys, in `addStandardJob`'s order: wait, paused, meta, id, completed, delayed, active, events, marker. */
  readonly keys: readonly string[];
  /** Prefix of a job's hash key (`<prefix>:<queue>:`); the job id is appended. */
  readonly jobKeyPrefix: string;
  readonly name: string;
  /** The `opts` BullMQ stores for a reading job, as JSON, without `jobId` (the script adds it). */
  readonly optsTemplate: string;
}

/** Number of keys {@link InlineJobSpec.keys} holds. */
export const INLINE_JOB_KEY_COUNT = 9;

/** The spec for `queue`'s jobs named `name` with `opts`, using BullMQ's own option encoding. */
export function inlineJobSpec(queue: Queue, name: string, opts: Record<string, unknown>): InlineJobSpec {
  const k = queue.keys;
  // What Queue.addBulk → Job.createBulk → Job.asJSON stores, for a placeholder id.
  const job = new Job(queue, name, { key: '' }, { ...opts, jobId: '' }, '');
  const { jobId: _unused, ...stored } = Job.optsAsJSON(job.opts) as Record<string, unknown>;
  return {
    keys: [k.wait!, k.paused!, k.meta!, k.id!, k.completed!, k.delayed!, k.active!, k.events!, k.marker!],
    jobKeyPrefix: k['']!, name, optsTemplate: JSON.stringify(stored),
  };
}

/**
 * Lua function `addReadingJob(base, jobId, timestamp, jobKeyPrefix, name, optsTemplate)`: adds
 * the job whose data is `{key: jobId}`. `base` is the index of the first of the spec's keys in
 * KEYS. Returns 1 when it created the job, 0 when a job with this id already existed.
 */
export const ADD_READING_JOB_LUA = `
local function addReadingJob(base, jobId, timestamp, jobKeyPrefix, name, optsTemplate)
  local waitKey, pausedKey, metaKey, idKey = KEYS[base], KEYS[base + 1], KEYS[base + 2], KEYS[base + 3]
  local activeKey, eventsKey, markerKey = KEYS[base + 6], KEYS[base + 7], KEYS[base + 8]
  redis.call('INCR', idKey)
  local maxEvents = redis.call('HGET', metaKey, 'opts.maxLenEvents')
  if not maxEvents then
    maxEvents = 10000
    redis.call('HSET', metaKey, 'opts.maxLenEvents', maxEvents)
  end
  local jobKey = jobKeyPrefix .. jobId
  if redis.call('EXISTS', jobKey) == 1 then
    redis.call('XADD', eventsKey, 'MAXLEN', '~', maxEvents, '*', 'event', 'duplicated', 'jobId', jobId)
    return 0
  end
  local opts = cjson.decode(optsTemplate)
  opts['jobId'] = jobId
  redis.call('HMSET', jobKey, 'name', name, 'data', cjson.encode({key = jobId}), 'opts', cjson.encode(opts),
    'timestamp', timestamp, 'delay', 0, 'priority', 0)
  redis.call('XADD', eventsKey, '*', 'event', 'added', 'jobId', jobId, 'name', name)
  local meta = redis.call('HMGET', metaKey, 'paused', 'concurrency')
  local target, held = waitKey, false
  if meta[1] then
    target, held = pausedKey, true
  elseif meta[2] and redis.call('LLEN', activeKey) >= tonumber(meta[2]) then
    held = true
  end
  redis.call('LPUSH', target, jobId)
  if not held then redis.call('ZADD', markerKey, 0, '0') end
  redis.call('XADD', eventsKey, 'MAXLEN', '~', maxEvents, '*', 'event', 'waiting', 'jobId', jobId)
  return 1
end
`;
