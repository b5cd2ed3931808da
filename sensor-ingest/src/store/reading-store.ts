import type { Redis } from 'ioredis';
import { INLINE_JOB_KEY_COUNT, type InlineJobSpec } from '../queue/inline-job.js';
import { readingKey } from '../reading/reading-identity.js';
import type { ReadingIdentity } from '../reading/reading-identity.js';
import { ACCEPT_SCRIPT, FINISH_SCRIPT, LEASE_SCRIPT, PROGRESS_SCRIPT, RELEASE_SCRIPT, REPLAY_SCRIPT } from './redis-scripts.js';
import { latencyBucket, type ReadingStatus, type ReadingStatusName } from './reading-status.js';

/** Outcome of {@link ReadingStore.accept}. */
export type AcceptOutcome =
  | { readonly outcome: 'accepted' | 'duplicate'; readonly status: ReadingStatusName }
  | { readonly outcome: 'conflict'; readonly recordedSha256: string }
  | { readonly outcome: 'full' };

/** A terminal transition: the status and the fields recorded with it. */
export interface Finish {
  readonly status: 'committed' | 'refused' | 'parked';
  /** Stats counter to bump, e.g. `committed`, `refused:BAD_SIGNATURE`, `parked:TIMEOUT`. */
  readonly counter: string;
  readonly fields: Readonly<Record<string, string | number>>;
}

/** One piece of 409 evidence: other bytes offered under a recorded (meterId, seq). */
export interface ConflictEvidence {
  readonly meterId: string;
  readonly seq: string;
  readonly recordedSha256: string;
  readonly offeredSha256: string;
  readonly count: number;
  readonly firstAt: number;
  readonly lastAt: number;
  readonly raw: Buffer;
}

type ScriptRedis = Redis & {
  ingestAccept(...args: (string | Buffer | number)[]): Promise<[string, string]>;
  ingestFinish(...args: (string | number)[]): Promise<number>;
  ingestProgress(...args: (string | number)[]): Promise<number>;
  ingestLease(...args: (string | number)[]): Promise<number[]>;
  ingestRelease(...args: (string | number)[]): Promise<number>;
  ingestReplay(...args: (string | number)[]): Promise<number>;
};

/**
 * Every reading's durable state in Redis: its raw bytes, status and ledger outcome, the set of
 * open (not yet terminal) readings that is the backlog, 409 evidence, parked readings, operator
 * key hashes and counters. Every multi-step change is one Lua script (atomic).
 */
export class ReadingStore {
  readonly redis: ScriptRedis;
  readonly prefix: string;

  constructor(redis: Redis, prefix = 'ingest') {
    this.prefix = prefix;
    const scripts: [string, string, number][] = [
      ['ingestAccept', ACCEPT_SCRIPT, 5 + INLINE_JOB_KEY_COUNT], ['ingestFinish', FINISH_SCRIPT, 4], ['ingestProgress', PROGRESS_SCRIPT, 1],
      ['ingestReplay', REPLAY_SCRIPT, 3],
    ];
    for (const [name, lua, numberOfKeys] of scripts) {
      if (!(name in redis)) redis.defineCommand(name, { lua, numberOfKeys });
    }
    if (!('ingestLease' in redis)) {
      redis.defineCommand('ingestLease', { lua: LEASE_SCRIPT });
      redis.defineCommand('ingestRelease', { lua: RELEASE_SCRIPT });
    }
    this.redis = redis as ScriptRedis;
  }

  recordKey(key: string): string {
    return `${this.prefix}:r:${key}`;
  }

  get openKey(): string {
    return `${this.prefix}:open`;
  }

  get parkedKey(): string {
    return `${this.prefix}:parked`;
  }

  get statsKey(): string {
    return `${this.prefix}:stats`;
  }

  get conflictsKey(): string {
    return `${this.prefix}:conflicts`;
  }

  get operatorsKey(): string {
    return `${this.prefix}:operators`;
  }

  /**
   * Stores a new reading as `queued` together with its BullMQ job (if the backlog is under
   * `highWater`), or reports a duplicate / conflict; one atomic script, one round trip.
   */
  async accept(identity: ReadingIdentity, raw: Uint8Array, now: number, highWater: number, job: InlineJobSpec): Promise<AcceptOutcome> {
    const key = readingKey(identity.meterId, identity.seq);
    const [outcome, value] = await this.redis.ingestAccept(
      this.recordKey(key), this.openKey, this.statsKey, `${this.prefix}:ev:${key}:${identity.rawSha256}`, this.conflictsKey, ...job.keys,
      identity.meterId, identity.seq, identity.rawSha256, Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), now, highWater, key,
      job.jobKeyPrefix, job.name, job.optsTemplate,
    );
    if (outcome === 'conflict') return { outcome, recordedSha256: value };
    if (outcome === 'full') return { outcome };
    return { outcome: outcome as 'accepted' | 'duplicate', status: value as ReadingStatusName };
  }

  /** The reading's status, or undefined when the ingest tier never accepted it. */
  async status(meterId: string, seq: string): Promise<ReadingStatus | undefined> {
    const fields = await this.redis.hgetall(this.recordKey(readingKey(meterId, seq)));
    if (fields.status === undefined) return undefined;
    return statusFromFields(fields);
  }

  /** Raw bytes and status fields of a reading (the worker's view). */
  async load(key: string): Promise<{ raw: Buffer; status: ReadingStatus } | undefined> {
    const recordKey = this.recordKey(key);
    const [raw, fields] = await Promise.all([this.redis.hgetBuffer(recordKey, 'raw'), this.redis.hgetall(recordKey)]);
    if (raw === null || fields.status === undefined) return undefined;
    return { raw, status: statusFromFields(fields) };
  }

  /** Marks a reading submitted (counting an attempt) or queued again; -1 when already terminal. */
  async progress(key: string, status: 'submitted' | 'queued', now: number, cause = '', countAttempt = false): Promise<number> {
    return this.redis.ingestProgress(this.recordKey(key), status, now, cause, countAttempt ? 1 : 0);
  }

  /** Moves a reading to a terminal status exactly once; false when it already was terminal. */
  async finish(key: string, finish: Finish, now: number): Promise<boolean> {
    let bucket = '';
    let latency = 0;
    if (finish.status === 'committed') {
      const receivedAt = Number(await this.redis.hget(this.recordKey(key), 'receivedAt'));
      latency = Math.max(0, now - receivedAt);
      bucket = `latency_le:${latencyBucket(latency)}`;
    }
    const pairs = Object.entries(finish.fields).flatMap(([field, value]) => [field, String(value)]);
    const moved = await this.redis.ingestFinish(
      this.recordKey(key), this.openKey, this.statsKey, this.parkedKey, key, finish.status, now, finish.counter, bucket, latency, ...pairs,
    );
    return moved === 1;
  }

  /** Puts a parked reading back in the queue (the caller then enqueues its job). */
  async replay(key: string, now: number): Promise<boolean> {
    return (await this.redis.ingestReplay(this.recordKey(key), this.openKey, this.parkedKey, key, now)) === 1;
  }

  /** Adds to a counter of the stats hash. */
  async count(field: string, by = 1): Promise<void> {
    await this.redis.hincrby(this.statsKey, field, by);
  }

  /** Counters (accepted, committed, refused:CODE, retries:CAUSE, latency buckets, …). */
  async stats(): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(this.statsKey);
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }

  /** Readings accepted and not yet terminal. */
  async backlog(): Promise<number> {
    return this.redis.scard(this.openKey);
  }

  /** Keys of open readings (for the reconciler that re-creates lost jobs). */
  async *openKeys(): AsyncGenerator<string> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.sscan(this.openKey, cursor, 'COUNT', 500);
      cursor = next;
      yield* keys;
    } while (cursor !== '0');
  }

  /** Keys of parked readings. */
  async parked(): Promise<string[]> {
    return this.redis.smembers(this.parkedKey);
  }

  /** Every piece of 409 evidence, oldest first. */
  async conflicts(): Promise<ConflictEvidence[]> {
    const keys = await this.redis.zrange(this.conflictsKey, 0, -1);
    const out: ConflictEvidence[] = [];
    for (const key of keys) {
      const [fields, raw] = await Promise.all([this.redis.hgetall(key), this.redis.hgetBuffer(key, 'raw')]);
      out.push({
        meterId: fields.meterId!, seq: fields.seq!, recordedSha256: fields.recordedSha256!, offeredSha256: fields.offeredSha256!,
        count: Number(fields.count), firstAt: Number(fields.firstAt), lastAt: Number(fields.lastAt), raw: raw ?? Buffer.alloc(0),
      });
    }
    return out;
  }

  /** Takes per-meter leases (one meter in one transaction at a time, across worker processes); returns the meters obtained. */
  async lease(meterIds: readonly string[], owner: string, ttlMs: number): Promise<Set<string>> {
    if (meterIds.length === 0) return new Set();
    const got = await this.redis.ingestLease(meterIds.length, ...meterIds.map((m) => `${this.prefix}:lease:${m}`), owner, ttlMs);
    return new Set(meterIds.filter((_, i) => got[i] === 1));
  }

  /** Releases leases taken by {@link lease}. */
  async release(meterIds: readonly string[], owner: string): Promise<void> {
    if (meterIds.length === 0) return;
    await this.redis.ingestRelease(meterIds.length, ...meterIds.map((m) => `${this.prefix}:lease:${m}`), owner);
  }
}

function optionalNumber(text: string | undefined): number | undefined {
  return text === undefined || text === '' ? undefined : Number(text);
}

/** Builds a {@link ReadingStatus} from a record hash, keeping only the fields that apply. */
export function statusFromFields(fields: Record<string, string>): ReadingStatus {
  const status = fields.status as ReadingStatusName;
  const base = {
    meterId: fields.meterId!, seq: fields.seq!, rawSha256: fields.rawSha256!, status,
    receivedAt: Number(fields.receivedAt), attempts: Number(fields.attempts ?? 0),
  };
  const extra: Record<string, unknown> = {};
  for (const field of ['transactionId', 'blockNumber', 'code', 'detail', 'cause'] as const) {
    if (fields[field] !== undefined && fields[field] !== '') extra[field] = fields[field];
  }
  if (status === 'committed') {
    extra.verdict = fields.verdict;
    extra.speedCentiKmh = optionalNumber(fields.speedCentiKmh) ?? null;
    extra.reason = fields.reason === undefined || fields.reason === '' ? null : fields.reason;
    extra.committedAt = optionalNumber(fields.finishedAt);
    if (fields.alreadyCommitted === '1') extra.alreadyCommitted = true;
  }
  if (status !== 'parked' && status !== 'queued') delete extra.cause;
  return { ...base, ...extra } as ReadingStatus;
}
