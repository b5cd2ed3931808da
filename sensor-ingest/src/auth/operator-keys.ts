import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** SHA-256 hex of an API key: only this is stored (keys are 256-bit random, so no slow hash is needed). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new random operator API key (`sl_` + 43 base64url chars). */
export function newApiKey(): string {
  return `sl_${randomBytes(32).toString('base64url')}`;
}

/** The key from an `Authorization: Bearer <key>` header, or undefined. */
export function bearerKey(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
  return match ? match[1] : undefined;
}

/**
 * Operator API keys, stored hashed in Redis (`<prefix>:operators`: hash → operator name), so
 * every API process sees the same operators and a leaked Redis dump does not leak keys.
 */
export class OperatorKeys {
  constructor(private readonly redis: Redis, private readonly hashKey: string) {}

  /** Creates a key for `operator`; the key is returned once and never stored. */
  async create(operator: string): Promise<string> {
    const key = newApiKey();
    await this.redis.hset(this.hashKey, hashApiKey(key), operator);
    return key;
  }

  /** Stores an operator by the hash of a key created elsewhere. */
  async addHash(operator: string, keyHash: string): Promise<void> {
    await this.redis.hset(this.hashKey, keyHash, operator);
  }

  /** The operator owning `key`, or undefined. */
  async operatorOf(key: string | undefined): Promise<string | undefined> {
    if (key === undefined) return undefined;
    return (await this.redis.hget(this.hashKey, hashApiKey(key))) ?? undefined;
  }

  /** Removes every key of `operator`; returns how many. */
  async revoke(operator: string): Promise<number> {
    const all = await this.redis.hgetall(this.hashKey);
    const hashes = Object.entries(all).filter(([, name]) => name === operator).map(([hash]) => hash);
    if (hashes.length > 0) await this.redis.hdel(this.hashKey, ...hashes);
    return hashes.length;
  }
}
