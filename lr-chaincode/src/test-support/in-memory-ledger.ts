/** Version of a committed key: block number and transaction number within the block. */
export interface KeyVersion {
  readonly block: number;
  readonly tx: number;
}

/** One committed change of a key, as `getHistoryForKey` reports it. */
export interface KeyModification {
  readonly txId: string;
  readonly value: Buffer;
  readonly isDelete: boolean;
  readonly timestamp: Date;
}

interface Entry {
  value: Buffer;
  version: KeyVersion;
  metadata: Map<string, Buffer>;
}

/** What one simulated transaction read and wrote (Fabric's read/write set, public data only). */
export interface ReadWriteSet {
  /** Keys read with the committed version seen (null: absent). */
  readonly reads: { key: string; version: KeyVersion | null }[];
  /** Keys written in order of first write; value null means delete. */
  readonly writes: { key: string; value: Buffer | null }[];
  /** Key metadata writes (e.g. VALIDATION_PARAMETER). */
  readonly metadataWrites: { key: string; name: string; value: Buffer }[];
  /** Range scans performed, with the keys they returned. */
  readonly rangeQueries: { startKey: string; endKey: string; keys: string[]; paginated: boolean }[];
}

/** Byte order of keys as LevelDB sorts them (UTF-8), which differs from UTF-16 for U+10FFFF. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * A world state with versions, key metadata and history: the committed side of a peer's
 * ledger. Commit applies a read/write set after an MVCC check, as a validating peer does.
 */
export class InMemoryLedger {
  readonly #state = new Map<string, Entry>();
  readonly #history = new Map<string, KeyModification[]>();
  #height = 0;

  /** Number of committed blocks (one transaction per block here). */
  get height(): number {
    return this.#height;
  }

  get(key: string): { value: Buffer; version: KeyVersion } | undefined {
    const entry = this.#state.get(key);
    return entry ? { value: entry.value, version: entry.version } : undefined;
  }

  metadata(key: string): Map<string, Buffer> {
    return new Map(this.#state.get(key)?.metadata ?? []);
  }

  /** Committed keys in [startKey, endKey) in LevelDB order; '' bounds are open. */
  keysInRange(startKey: string, endKey: string): string[] {
    return [...this.#state.keys()]
      .filter((k) => (startKey === '' || compareKeys(k, startKey) >= 0) && (endKey === '' || compareKeys(k, endKey) < 0))
      .sort(compareKeys);
  }

  /** History of a key, newest first (Fabric 2.x order). */
  history(key: string): KeyModification[] {
    return [...(this.#history.get(key) ?? [])].reverse();
  }

  /** All committed keys, sorted. */
  keys(): string[] {
    return [...this.#state.keys()].sort(compareKeys);
  }

  /**
   * Validates (MVCC: every read version still current) and commits a read/write set. Returns
   * null when committed, or the reason the transaction is invalid (nothing is applied then).
   */
  commit(txId: string, timestamp: Date, rwset: ReadWriteSet): string | null {
    for (const read of rwset.reads) {
      const current = this.#state.get(read.key)?.version ?? null;
      const same = current === null ? read.version === null : read.version !== null && current.block === read.version.block && current.tx === read.version.tx;
      if (!same) return `MVCC_READ_CONFLICT on ${JSON.stringify(read.key)}`;
    }
    this.#height += 1;
    const version = { block: this.#height, tx: 0 };
    for (const write of rwset.writes) {
      const log = this.#history.get(write.key) ?? [];
      if (write.value === null) {
        this.#state.delete(write.key);
        log.push({ txId, value: Buffer.alloc(0), isDelete: true, timestamp });
      } else {
        const metadata = this.#state.get(write.key)?.metadata ?? new Map<string, Buffer>();
        this.#state.set(write.key, { value: write.value, version, metadata });
        log.push({ txId, value: write.value, isDelete: false, timestamp });
      }
      this.#history.set(write.key, log);
    }
    for (const m of rwset.metadataWrites) {
      const entry = this.#state.get(m.key);
      if (entry) {
        entry.metadata.set(m.name, m.value);
        entry.version = version;
      }
    }
    return null;
  }
}
