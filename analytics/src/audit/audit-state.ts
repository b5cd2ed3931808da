import { ledger as peerLedger, simulation, type validation } from '@speedledger/peer';

type StateReader = peerLedger.StateReader;
type HistoryReader = peerLedger.HistoryReader;
type VersionedValue = peerLedger.VersionedValue;
type StateEntry = peerLedger.StateEntry;
type KeyModification = peerLedger.KeyModification;

interface Slot {
  value: Uint8Array;
  version: peerLedger.Version;
  metadata: Map<string, Uint8Array>;
}

/**
 * The world state the auditor rebuilds from the ledger's own blocks: every write of every
 * transaction the audit judged VALID, with Fabric versions (block, tx) and key history. It is the
 * state each transaction was simulated against, so re-executing the approved package over it
 * reproduces the recorded read/write set bit for bit when the endorsers were honest. In memory:
 * a ledger of millions of readings needs a disk-backed implementation of the same readers.
 */
export class AuditState implements StateReader, HistoryReader {
  readonly #namespaces = new Map<string, Map<string, Slot>>();
  readonly #history = new Map<string, KeyModification[]>();
  readonly #txIds = new Set<string>();

  async get(namespace: string, key: string): Promise<VersionedValue | undefined> {
    return this.getSync(namespace, key);
  }

  /** Synchronous {@link get}, for the auditor's own lookups. */
  getSync(namespace: string, key: string): VersionedValue | undefined {
    const slot = this.#namespaces.get(namespace)?.get(key);
    return slot === undefined ? undefined : { value: slot.value, version: slot.version, metadata: slot.metadata };
  }

  async *range(namespace: string, startKey: string, endKey: string): AsyncIterable<StateEntry> {
    const keys = [...(this.#namespaces.get(namespace)?.keys() ?? [])]
      .filter((k) => simulation.compareKeys(k, startKey) >= 0 && (endKey === '' || simulation.compareKeys(k, endKey) < 0))
      .sort(simulation.compareKeys);
    for (const key of keys) {
      const slot = this.#namespaces.get(namespace)?.get(key);
      if (slot !== undefined) yield { key, value: slot.value, version: slot.version, metadata: slot.metadata };
    }
  }

  async *history(namespace: string, key: string): AsyncIterable<KeyModification> {
    const entries = this.#history.get(`${namespace}\u0000${key}`) ?? [];
    for (let i = entries.length - 1; i >= 0; i--) yield entries[i]!;
  }

  /** Every recorded change of one key, oldest first (the meter registry's history at any height). */
  historyOf(namespace: string, key: string): readonly KeyModification[] {
    return this.#history.get(`${namespace}\u0000${key}`) ?? [];
  }

  /** Whether a transaction id was seen in an earlier block (valid or not), for DUPLICATE_TXID. */
  txIdCommitted(txId: string): boolean {
    return this.#txIds.has(txId);
  }

  /** Records every transaction id of a block, whatever its validation code. */
  noteTxIds(txIds: Iterable<string>): void {
    for (const txId of txIds) if (txId !== '') this.#txIds.add(txId);
  }

  /** Applies one VALID transaction's writes at version (blockNum, txNum). */
  apply(tx: Pick<validation.ValidatedTransaction, 'txId' | 'timestamp' | 'writes'>, blockNum: number, txNum: number): void {
    const version = { blockNum, txNum };
    for (const ns of tx.writes) {
      let slots = this.#namespaces.get(ns.namespace);
      if (slots === undefined) this.#namespaces.set(ns.namespace, (slots = new Map()));
      for (const write of ns.writes) {
        // Copied: a decoded value is a view into its whole block's buffer, which would otherwise
        // stay in memory for as long as the key's value or history does (the whole ledger).
        const value = write.value === null ? null : write.value.slice();
        const historyKey = `${ns.namespace}\u0000${write.key}`;
        let entries = this.#history.get(historyKey);
        if (entries === undefined) this.#history.set(historyKey, (entries = []));
        entries.push({ txId: tx.txId, blockNum, txNum, value: value ?? new Uint8Array(), isDelete: value === null, timestamp: tx.timestamp });
        if (value === null) slots.delete(write.key);
        else slots.set(write.key, { value, version, metadata: slots.get(write.key)?.metadata ?? new Map() });
      }
      for (const meta of ns.metadataWrites) {
        const slot = slots.get(meta.key);
        // Fabric keeps metadata only on existing keys; a metadata write to an absent key is dropped.
        if (slot !== undefined) {
          slot.metadata = new Map([...meta.entries].map(([name, bytes]) => [name, bytes.slice()]));
          slot.version = version;
        }
      }
    }
  }
}
