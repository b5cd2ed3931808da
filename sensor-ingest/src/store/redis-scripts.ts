/*
 * Lua scripts: each runs atomically in Redis, so the check-then-write steps of idempotency,
 * the high-water mark and terminal transitions cannot interleave between API and worker processes.
 */
import { ADD_READING_JOB_LUA } from '../queue/inline-job.js';

/**
 * Accepts a reading and adds its BullMQ job in the same atomic call (see queue/inline-job):
 * one round trip, one fsync wait, and no window in which a reading is stored without its job.
 * KEYS: record, open set, stats, evidence hash, conflicts index, then BullMQ's 9 keys (inline-job).
 * ARGV: meterId, seq, rawSha256, raw bytes, now ms, high-water, reading key (= job id),
 * job key prefix, job name, job opts template.
 * Returns {outcome, status-or-recorded-sha}. A duplicate still `queued` gets its job again when it
 * has none (a reading left without one by an older API version or a flushed queue).
 */
export const ACCEPT_SCRIPT = `${ADD_READING_JOB_LUA}
local known = redis.call('HGET', KEYS[1], 'rawSha256')
if known then
  if known == ARGV[3] then
    redis.call('HINCRBY', KEYS[3], 'duplicates', 1)
    local status = redis.call('HGET', KEYS[1], 'status')
    if status == 'queued' then addReadingJob(6, ARGV[7], ARGV[5], ARGV[8], ARGV[9], ARGV[10]) end
    return {'duplicate', status}
  end
  redis.call('HSETNX', KEYS[4], 'firstAt', ARGV[5])
  redis.call('HSET', KEYS[4], 'meterId', ARGV[1], 'seq', ARGV[2], 'recordedSha256', known, 'offeredSha256', ARGV[3], 'raw', ARGV[4], 'lastAt', ARGV[5])
  redis.call('HINCRBY', KEYS[4], 'count', 1)
  redis.call('ZADD', KEYS[5], ARGV[5], KEYS[4])
  redis.call('HINCRBY', KEYS[3], 'conflicts', 1)
  return {'conflict', known}
end
if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[6]) then
  redis.call('HINCRBY', KEYS[3], 'throttled', 1)
  return {'full', ''}
end
redis.call('HSET', KEYS[1], 'meterId', ARGV[1], 'seq', ARGV[2], 'rawSha256', ARGV[3], 'raw', ARGV[4], 'status', 'queued', 'receivedAt', ARGV[5], 'attempts', '0')
redis.call('SADD', KEYS[2], ARGV[7])
redis.call('HINCRBY', KEYS[3], 'accepted', 1)
addReadingJob(6, ARGV[7], ARGV[5], ARGV[8], ARGV[9], ARGV[10])
return {'accepted', 'queued'}
`;

/**
 * Moves a reading to a terminal status once. KEYS: record, open set, stats, parked set.
 * ARGV: reading key, status, now ms, stats field, latency bucket field, latency ms, then field/value pairs.
 * Returns 1 when it moved, 0 when the reading was already terminal or is unknown.
 */
export const FINISH_SCRIPT = `
local status = redis.call('HGET', KEYS[1], 'status')
if (not status) or status == 'committed' or status == 'refused' or status == 'parked' then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'finishedAt', ARGV[3])
for i = 7, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('HINCRBY', KEYS[3], ARGV[4], 1)
if ARGV[2] == 'parked' then redis.call('SADD', KEYS[4], ARGV[1]) end
if ARGV[5] ~= '' then
  redis.call('HINCRBY', KEYS[3], ARGV[5], 1)
  redis.call('HINCRBY', KEYS[3], 'latency_sum_ms', ARGV[6])
end
return 1
`;

/**
 * Marks a non-terminal reading `submitted` (attempt counted) or back to `queued` with a cause.
 * KEYS: record. ARGV: status, now ms, cause ('' for none), increment attempts (1/0).
 * Returns the attempts so far, or -1 when the reading is terminal or unknown.
 */
export const PROGRESS_SCRIPT = `
local status = redis.call('HGET', KEYS[1], 'status')
if (not status) or status == 'committed' or status == 'refused' or status == 'parked' then return -1 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'updatedAt', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'cause', ARGV[3]) end
if ARGV[4] == '1' then return redis.call('HINCRBY', KEYS[1], 'attempts', 1) end
return tonumber(redis.call('HGET', KEYS[1], 'attempts'))
`;

/**
 * Takes a per-meter lease for each meter not leased by someone else. KEYS: lease keys.
 * ARGV: owner token, ttl ms. Returns 1/0 per key.
 */
export const LEASE_SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local holder = redis.call('GET', key)
  if (not holder) or holder == ARGV[1] then
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
`;

/** Releases leases this owner holds. KEYS: lease keys. ARGV: owner token. */
export const RELEASE_SCRIPT = `
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
return 1
`;

/**
 * Puts a parked reading back in the queue. KEYS: record, open set, parked set. ARGV: reading key, now ms.
 * Returns 1 when replayed, 0 when it was not parked.
 */
export const REPLAY_SCRIPT = `
if redis.call('HGET', KEYS[1], 'status') ~= 'parked' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'queued', 'attempts', '0', 'replayedAt', ARGV[2])
redis.call('SREM', KEYS[3], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[1])
return 1
`;
