import type { StateReader, Version, VersionedValue } from '../ledger/world-state.js';
import type { TxSimulator } from './tx-simulator.js';
import { encodeReadWriteSet, type KeyRead, type NamespaceReadWriteSet } from './read-write-set.js';
import { SimulationError } from './simulation-error.js';

/** A {@link TxSimulator} whose metadata writes may need committed metadata fetched first. */
export interface RecordingTxSimulator extends TxSimulator {
  /**
   * Resolves once every committed value that `setStateMetadata` needs has been fetched. Call it
   * before `results()`, which throws PENDING_READS otherwise (`results()` is synchronous).
   */
  settle(): Promise<void>;
}

interface MutableRangeQuery {
  readonly startKey: string;
  endKey: string;
  itrExhausted: boolean;
  readonly reads: KeyRead[];
}

interface Namespace {
  /** First committed view of each key fetched (one consistent value per key per simulation). */
  readonly committed: Map<string, VersionedValue | null>;
  readonly reads: Map<string, Version | undefined>;
  readonly writes: Map<string, Uint8Array | null>;
  readonly metadata: Map<string, Map<string, Uint8Array>>;
  readonly rangeQueries: MutableRangeQuery[];
}

/**
 * Simulates one transaction over committed state: reads record the version they saw (none for
 * an absent key), writes are buffered and invisible to later reads (as in Fabric), an empty value
 * is a delete (Fabric's rule), and a metadata write carries every entry of the key's resulting
 * metadata: committed entries overlaid with this transaction's. Range scans record their raw
 * reads; like Fabric, the recorded end key is the last key the caller consumed until the scan is
 * exhausted, then the requested end key.
 */
export function createTxSimulator(txId: string, state: StateReader): RecordingTxSimulator {
  const namespaces = new Map<string, Namespace>();
  const pending = new Set<Promise<void>>();
  let ended = false;

  const ns = (namespace: string): Namespace => {
    let found = namespaces.get(namespace);
    if (found === undefined) {
      found = { committed: new Map(), reads: new Map(), writes: new Map(), metadata: new Map(), rangeQueries: [] };
      namespaces.set(namespace, found);
    }
    return found;
  };
  const live = (op: string): void => {
    if (ended) throw new SimulationError('SIMULATION_ENDED', `${op} after results() of transaction ${txId}`, { txId });
  };
  const keyed = (op: string, namespace: string, key: string): void => {
    live(op);
    if (key === '') throw new SimulationError('EMPTY_KEY', `${op} with an empty key in ${namespace}`, { txId, namespace });
  };
  const committed = async (namespace: string, key: string): Promise<VersionedValue | undefined> => {
    const n = ns(namespace);
    if (!n.committed.has(key)) {
      const value = await state.get(namespace, key);
      if (!n.committed.has(key)) n.committed.set(key, value ?? null);
    }
    return n.committed.get(key) ?? undefined;
  };
  const read = async (namespace: string, key: string): Promise<VersionedValue | undefined> => {
    const value = await committed(namespace, key);
    const n = ns(namespace);
    if (!n.reads.has(key)) n.reads.set(key, value?.version);
    return value;
  };

  return {
    txId,

    async getState(namespace, key) {
      live('getState');
      return (await read(namespace, key))?.value;
    },

    async getStateMetadata(namespace, key) {
      live('getStateMetadata');
      return (await read(namespace, key))?.metadata ?? new Map();
    },

    putState(namespace, key, value) {
      keyed('putState', namespace, key);
      ns(namespace).writes.set(key, value.length === 0 ? null : Uint8Array.from(value));
    },

    deleteState(namespace, key) {
      keyed('deleteState', namespace, key);
      ns(namespace).writes.set(key, null);
    },

    setStateMetadata(namespace, key, name, value) {
      keyed('setStateMetadata', namespace, key);
      const n = ns(namespace);
      let entries = n.metadata.get(key);
      if (entries === undefined) {
        entries = new Map();
        n.metadata.set(key, entries);
      }
      entries.set(name, Uint8Array.from(value));
      if (!n.committed.has(key)) {
        // The committed entries are merged in results(); fetch them without recording a read.
        const fetch: Promise<void> = committed(namespace, key).then(
          () => void pending.delete(fetch),
          () => void pending.delete(fetch),
        );
        pending.add(fetch);
      }
    },

    rangeScan(namespace, startKey, endKey) {
      live('rangeScan');
      const query: MutableRangeQuery = { startKey, endKey: '', itrExhausted: false, reads: [] };
      ns(namespace).rangeQueries.push(query);
      const source = state.range(namespace, startKey, endKey)[Symbol.asyncIterator]();
      const iterator: AsyncIterableIterator<{ readonly key: string; readonly value: Uint8Array }> = {
        async next() {
          const item = await source.next();
          if (item.done === true) {
            query.itrExhausted = true;
            query.endKey = endKey;
            return { done: true, value: undefined };
          }
          query.reads.push({ key: item.value.key, version: item.value.version });
          query.endKey = item.value.key;
          return { done: false, value: { key: item.value.key, value: item.value.value } };
        },
        async return() {
          await source.return?.();
          return { done: true, value: undefined };
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },

    async settle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },

    results() {
      live('results');
      if (pending.size > 0) throw new SimulationError('PENDING_READS', `results() of ${txId} before settle(): committed metadata still loading`, { txId });
      ended = true;
      const sets: NamespaceReadWriteSet[] = [...namespaces].map(([namespace, n]) => ({
        namespace,
        reads: [...n.reads].map(([key, version]) => ({ key, version })),
        rangeQueries: n.rangeQueries.map((q) => ({ ...q, reads: [...q.reads] })),
        writes: [...n.writes].map(([key, value]) => ({ key, isDelete: value === null, value: value ?? new Uint8Array() })),
        metadataWrites: [...n.metadata].map(([key, entries]) => {
          const merged = new Map(n.committed.get(key)?.metadata ?? []);
          for (const [name, value] of entries) merged.set(name, value);
          return { key, entries: [...merged].map(([name, value]) => ({ name, value })) };
        }),
      }));
      return encodeReadWriteSet({ namespaces: sets });
    },
  };
}
