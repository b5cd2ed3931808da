import type { StateEntry, StateReader, Version, VersionedValue } from '../../ledger/world-state.js';
import { compareKeys, inRange } from '../byte-order.js';

/** An in-memory committed state for validator tests. */
export class MemoryState implements StateReader {
  readonly #data = new Map<string, Map<string, VersionedValue>>();

  put(namespace: string, key: string, value: string | Uint8Array, version: Version, metadata: ReadonlyMap<string, Uint8Array> = new Map()): this {
    let ns = this.#data.get(namespace);
    if (ns === undefined) this.#data.set(namespace, (ns = new Map()));
    ns.set(key, { value: typeof value === 'string' ? new TextEncoder().encode(value) : value, version, metadata });
    return this;
  }

  async get(namespace: string, key: string): Promise<VersionedValue | undefined> {
    return this.#data.get(namespace)?.get(key);
  }

  async *range(namespace: string, startKey: string, endKey: string): AsyncIterable<StateEntry> {
    const ns = this.#data.get(namespace) ?? new Map<string, VersionedValue>();
    const keys = [...ns.keys()].filter((k) => inRange(k, startKey, endKey)).sort(compareKeys);
    for (const key of keys) yield { key, ...ns.get(key)! };
  }
}
