/**
 * A map that forgets its least recently used entry beyond `capacity`: caches fed from the network
 * (certificates, envelopes) must never grow with what a client chooses to send.
 */
export class BoundedLru<K, V> {
  readonly capacity: number;
  // A Map iterates in insertion order, so re-inserting on use keeps the oldest entry first.
  readonly #entries = new Map<K, V>();

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) throw new RangeError(`cache capacity must be a non-negative integer, got ${capacity}`);
    this.capacity = capacity;
  }

  /** Number of entries held (never above `capacity`). */
  get size(): number {
    return this.#entries.size;
  }

  /** The value for `key`, marking it as most recently used. */
  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  /** Stores `value`, evicting the least recently used entry when full. */
  set(key: K, value: V): void {
    this.#entries.delete(key);
    if (this.capacity === 0) return;
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
  }
}
