import { BoundedLru } from '@speedledger/orderer-bft';

/** Default number of entries a {@link CommittedCache} holds (present or known absent). */
export const DEFAULT_COMMITTED_CACHE_ENTRIES = 65_536;

/** What a read saw when it started: hand it back to {@link CommittedCache.fill}. */
export type CommittedReadToken = number;

/**
 * Decoded committed records of recently read or written keys, absent keys included, so the
 * endorser's simulation reads and duplicate checks, the validator's MVCC, definition,
 * key-level-policy and duplicate reads and the commit's own look-ups do not go to LevelDB and
 * decode again for the same key. The ledger is the only writer: it applies each block's final
 * records to the cache once the block is durable, so a hit always equals what the database holds
 * for the last committed block.
 *
 * A read that missed and went to the database may finish after a commit changed the key; it
 * then must not install what it read. Every commit therefore advances a generation and
 * {@link fill} drops a result whose read started in an older one.
 *
 * Records are shared between callers: they are never mutated (the ledger builds new ones).
 */
export class CommittedCache<V> {
  readonly #entries: BoundedLru<string, V | null>;
  #generation = 0;

  constructor(capacity = DEFAULT_COMMITTED_CACHE_ENTRIES) {
    this.#entries = new BoundedLru(capacity);
  }

  /** The cached record, `null` for a key known absent, `undefined` when not cached. */
  get(key: string): V | null | undefined {
    return this.#entries.get(key);
  }

  /** Call before reading a missed key from the database. */
  startRead(): CommittedReadToken {
    return this.#generation;
  }

  /** Installs what a database read returned, unless a commit happened since it started. */
  fill(key: string, record: V | undefined, token: CommittedReadToken): void {
    if (token !== this.#generation) return;
    this.#entries.set(key, record ?? null);
  }

  /** Applies a durable block's final records of the keys it wrote (`null` = deleted). */
  commit(changes: Iterable<readonly [key: string, record: V | null]>): void {
    this.#generation += 1;
    for (const [key, record] of changes) this.#entries.set(key, record);
  }

  /** Forgets everything (state rebuild). */
  clear(): void {
    this.#generation += 1;
    this.#entries.clear();
  }
}
