import type { StateReader, VersionedValue, StateEntry } from '../../ledger/world-state.js';
import type { TxSimulator } from '../../simulation/tx-simulator.js';
import type { Identity, NodeRole } from '../../msp/identity.js';

/** Committed state in memory, for `_lifecycle` tests: `commit` applies a simulator's writes. */
export class MemoryState implements StateReader {
  readonly values = new Map<string, Uint8Array>();
  private block = 1;

  async get(namespace: string, key: string): Promise<VersionedValue | undefined> {
    const value = this.values.get(`${namespace}\u0000${key}`);
    return value === undefined ? undefined : { value, version: { blockNum: 1, txNum: 0 }, metadata: new Map() };
  }

  async *range(namespace: string, startKey: string, endKey: string): AsyncIterable<StateEntry> {
    const keys = [...this.values.keys()].filter((k) => k.startsWith(`${namespace}\u0000`)).map((k) => k.slice(namespace.length + 1)).sort();
    for (const key of keys) {
      if (key >= startKey && (endKey === '' || key < endKey)) yield { key, ...(await this.get(namespace, key))! };
    }
  }

  /** A simulator reading this state and buffering writes (no rwset bytes: `results()` is empty). */
  simulator(txId = `tx${this.block}`): TxSimulator & { writes: Map<string, Uint8Array> } {
    const writes = new Map<string, Uint8Array>();
    return {
      txId,
      writes,
      getState: async (ns, key) => (await this.get(ns, key))?.value,
      getStateMetadata: async () => new Map(),
      putState: (ns, key, value) => void writes.set(`${ns}\u0000${key}`, value),
      deleteState: (ns, key) => void writes.delete(`${ns}\u0000${key}`),
      setStateMetadata: () => undefined,
      rangeScan: (ns, start, end) => this.range(ns, start, end),
      results: () => new Uint8Array(),
    };
  }

  commit(writes: ReadonlyMap<string, Uint8Array>): void {
    for (const [k, v] of writes) this.values.set(k, v);
    this.block += 1;
  }
}

/** A stand-in identity carrying only what `_lifecycle` reads (MSP id and role). */
export function fakeIdentity(mspId: string, role: NodeRole | undefined): Identity {
  return { mspId, role } as Identity;
}
