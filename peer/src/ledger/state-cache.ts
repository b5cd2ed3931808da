import { BoundedLru } from '@speedledger/orderer-bft';
import type { StateRecord } from './ledger-records.js';

/** Default number of keys a {@link StateCache} holds (decoded records, present or absent). */
export const DEFAULT_STATE_CACHE_KEYS = 65_536;

/** What a read saw when it started: hand it back to {@link StateCache.fill}. */
export type StateReadToken = number;

/**
 * Decoded committed state of recently read or written keys, absent keys included, so the
 * endorser's simulation reads, the validator's MVCC, definition and key-level-policy reads and
 * the commit's own look-ups do not go to LevelDB and decode again for the same key. The ledger is
 * the only writer: it applies each block's final state to the cache once the block is durable,
 * so a hit always equals what the database holds for the last committed block.
 *
 * A read that missed and went to the database may finish after a commit changed the key; it
 * then must not install what it read. Every commit therefore advances a generation and
 * {@link fill} drops a result whose read started in an older one.
 *
 * Records are shared between callers: they are never mutated (the ledger builds new ones).
 */
export class StateCache {
  readonly #entries: BoundedLru<string, StateRecord | null>;
  #generation = 0;

  constructor(capacity = DEFAULT_STATE_CACHE_KEYS) {
    this.#entries = new BoundedLru(capacity);
  }

  /** The cached record, `null` for a key known absent, `undefined` when not cached. */
  get(namespace: string, key: string): StateRecord | null | undefined {
    return this.#entries.get(cacheKey(namespace, key));
  }

  /** Call before reading a missed key from the database. */
  startRead(): StateReadToken {
    return this.#generation;
  }

  /** Installs what a database read returned, unless a commit happened since it started. */
  fill(namespace: string, key: string, record: StateRecord | undefined, token: StateReadToken): void {
    if (token !== this.#generation) return;
    this.#entries.set(cacheKey(namespace, key), record ?? null);
  }

  /** Applies a durable block's final state of the keys it wrote (`null` = deleted). */
  commit(changes: Iterable<{ readonly namespace: string; readonly key: string; readonly record: StateRecord | null }>): void {
    this.#generation += 1;
    for (const { namespace, key, record } of changes) this.#entries.set(cacheKey(namespace, key), record);
  }

  /** Forgets everything (state rebuild). */
  clear(): void {
    this.#generation += 1;
    this.#entries.clear();
  }
}

// Namespaces never contain U+0000 (chaincode names are [a-zA-Z0-9_-] and `_lifecycle`), keys may.
function cacheKey(namespace: string, key: string): string {
  return `${namespace}\u0000${key}`;
}
