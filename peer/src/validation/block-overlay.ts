import type { StateEntry, StateReader, Version, VersionedValue } from '../ledger/world-state.js';
import type { NamespaceWrites } from './block-validation.js';
import { compareKeys, inRange } from './byte-order.js';

/** A key's state after this block's earlier valid writes: a value, or deleted. */
type Overlaid = VersionedValue | null;

/**
 * Committed state overlaid with the writes of the block's earlier valid transactions, as Fabric's
 * committer sees it when validating transaction i: reads, range re-runs and the chaincode
 * definition lookups of transaction i see what transactions 0..i-1 wrote.
 */
export class BlockOverlay implements StateReader {
  readonly #committed: StateReader;
  readonly #entries = new Map<string, Map<string, Overlaid>>();
  /** Keys whose metadata an earlier transaction of the block updated (per namespace). */
  readonly #metadataTouched = new Map<string, Set<string>>();

  constructor(committed: StateReader) {
    this.#committed = committed;
  }

  /** True when a valid transaction earlier in the block wrote (or deleted, or set metadata of) the key. */
  written(namespace: string, key: string): boolean {
    return this.#entries.get(namespace)?.has(key) ?? false;
  }

  /** Records that a transaction that passed endorsement validation updated the key's metadata. */
  noteMetadataUpdate(namespace: string, key: string): void {
    let keys = this.#metadataTouched.get(namespace);
    if (keys === undefined) this.#metadataTouched.set(namespace, (keys = new Set()));
    keys.add(key);
  }

  /** True when an earlier transaction that passed endorsement validation updated the key's metadata. */
  metadataUpdated(namespace: string, key: string): boolean {
    return this.#metadataTouched.get(namespace)?.has(key) ?? false;
  }

  async get(namespace: string, key: string): Promise<VersionedValue | undefined> {
    const local = this.#entries.get(namespace);
    if (local?.has(key) === true) return local.get(key) ?? undefined;
    return this.#committed.get(namespace, key);
  }

  range(namespace: string, startKey: string, endKey: string): AsyncIterable<StateEntry> {
    return this.#merged(namespace, startKey, endKey, false);
  }

  /** Like {@link range}, including `endKey` itself (Fabric re-runs an unexhausted range up to its last key read). */
  rangeInclusive(namespace: string, startKey: string, endKey: string): AsyncIterable<StateEntry> {
    return this.#merged(namespace, startKey, endKey, true);
  }

  async *#merged(namespace: string, startKey: string, endKey: string, includeEnd: boolean): AsyncGenerator<StateEntry> {
    const local = this.#entries.get(namespace) ?? new Map<string, Overlaid>();
    const localKeys = [...local.keys()].filter((k) => inRange(k, startKey, endKey, includeEnd)).sort(compareKeys);
    let next = 0;
    // The committed scan is end-exclusive; an inclusive end needs the scan to run one key further.
    const committedEnd = includeEnd ? '' : endKey;
    for await (const entry of this.#committed.range(namespace, startKey, committedEnd)) {
      if (!inRange(entry.key, startKey, endKey, includeEnd)) break;
      while (next < localKeys.length && compareKeys(localKeys[next]!, entry.key) < 0) {
        const key = localKeys[next++]!;
        const value = local.get(key);
        if (value) yield { key, ...value };
      }
      if (next < localKeys.length && localKeys[next] === entry.key) {
        const value = local.get(entry.key);
        next += 1;
        if (value) yield { key: entry.key, ...value };
        continue;
      }
      yield entry;
    }
    for (; next < localKeys.length; next++) {
      const key = localKeys[next]!;
      const value = local.get(key);
      if (value) yield { key, ...value };
    }
  }

  /**
   * Applies a valid transaction's writes at `version`. As in Fabric's state database, a value
   * write keeps the key's metadata, a metadata write keeps its value (and is ignored for an absent
   * key), a delete removes both.
   */
  async apply(writes: readonly NamespaceWrites[], version: Version): Promise<void> {
    for (const ns of writes) {
      let local = this.#entries.get(ns.namespace);
      if (local === undefined) this.#entries.set(ns.namespace, (local = new Map()));
      const touched = new Set([...ns.writes.map((w) => w.key), ...ns.metadataWrites.map((w) => w.key)]);
      const before = new Map<string, VersionedValue | undefined>();
      for (const key of touched) before.set(key, await this.get(ns.namespace, key));
      const after = new Map<string, Overlaid>();
      for (const key of touched) {
        const old = before.get(key);
        after.set(key, old === undefined ? null : { value: old.value, version, metadata: old.metadata });
      }
      for (const write of ns.writes) {
        const current = after.get(write.key) ?? null;
        after.set(write.key, write.value === null ? null : { value: write.value, version, metadata: current?.metadata ?? new Map() });
      }
      for (const meta of ns.metadataWrites) {
        const current = after.get(meta.key) ?? null;
        if (current !== null) after.set(meta.key, { value: current.value, version, metadata: new Map(meta.entries) });
      }
      for (const [key, value] of after) {
        // An untouched-in-effect key (metadata write on an absent key) still counts as written: its
        // read would conflict in Fabric too.
        local.set(key, value);
      }
    }
  }
}
