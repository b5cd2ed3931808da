import type { HistoryReader, KeyModification, StateEntry, StateReader, VersionedValue } from '../../ledger/world-state.js';
import { compareKeys } from '../key-order.js';
import { decodeReadWriteSet } from '../read-write-set.js';

/**
 * Committed world state and history in memory, for tests: `commit` applies a read/write set's
 * writes and metadata writes at (block, tx) without validation.
 */
export class MemoryWorldState implements StateReader, HistoryReader {
  readonly #values = new Map<string, Map<string, VersionedValue>>();
  readonly #history = new Map<string, KeyModification[]>();
  #block = 1;

  async get(namespace: string, key: string): Promise<VersionedValue | undefined> {
    return this.#values.get(namespace)?.get(key);
  }

  async *range(namespace: string, startKey: string, endKey: string): AsyncIterable<StateEntry> {
    const keys = [...(this.#values.get(namespace)?.keys() ?? [])].sort(compareKeys);
    for (const key of keys) {
      if (compareKeys(key, startKey) >= 0 && (endKey === '' || compareKeys(key, endKey) < 0)) {
        const value = this.#values.get(namespace)?.get(key);
        if (value !== undefined) yield { key, ...value };
      }
    }
  }

  async *history(namespace: string, key: string): AsyncIterable<KeyModification> {
    yield* [...(this.#history.get(`${namespace}\u0000${key}`) ?? [])].reverse();
  }

  /** Sets one value directly (version: a fresh block, tx 0). */
  put(namespace: string, key: string, value: Uint8Array, metadata: ReadonlyMap<string, Uint8Array> = new Map()): void {
    this.#set(namespace, key, { value, version: { blockNum: this.#block++, txNum: 0 }, metadata });
  }

  #set(namespace: string, key: string, value: VersionedValue): void {
    let map = this.#values.get(namespace);
    if (map === undefined) this.#values.set(namespace, (map = new Map()));
    map.set(key, value);
  }

  /** Applies an rwset as transaction 0 of a new block. */
  commit(rwset: Uint8Array, txId: string, timestamp = new Date(0)): void {
    const blockNum = this.#block++;
    for (const ns of decodeReadWriteSet(rwset).namespaces) {
      for (const write of ns.writes) {
        const old = this.#values.get(ns.namespace)?.get(write.key);
        if (write.isDelete) this.#values.get(ns.namespace)?.delete(write.key);
        else this.#set(ns.namespace, write.key, { value: write.value, version: { blockNum, txNum: 0 }, metadata: old?.metadata ?? new Map() });
        const id = `${ns.namespace}\u0000${write.key}`;
        const list = this.#history.get(id) ?? [];
        list.push({ txId, blockNum, txNum: 0, value: write.value, isDelete: write.isDelete, timestamp });
        this.#history.set(id, list);
      }
      for (const meta of ns.metadataWrites) {
        const old = this.#values.get(ns.namespace)?.get(meta.key);
        if (old === undefined) continue;
        this.#set(ns.namespace, meta.key, { ...old, metadata: new Map(meta.entries.map((e) => [e.name, e.value])) });
      }
    }
  }
}
