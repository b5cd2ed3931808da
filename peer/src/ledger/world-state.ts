/**
 * The world state as every part of the peer sees it. The ledger implements these readers over
 * its state database; the endorser simulates against them; the validator checks MVCC versions
 * with them. Keys are compared as UTF-8 byte strings, as Fabric's LevelDB state does.
 */

/** A committed key's version: the block and the transaction index in it that last wrote it. */
export interface Version {
  readonly blockNum: number;
  readonly txNum: number;
}

/** A committed value with its version and key-level metadata (e.g. `VALIDATION_PARAMETER`). */
export interface VersionedValue {
  readonly value: Uint8Array;
  readonly version: Version;
  /** Metadata entries by name; empty when the key has none. */
  readonly metadata: ReadonlyMap<string, Uint8Array>;
}

/** One key of a range scan. */
export interface StateEntry extends VersionedValue {
  readonly key: string;
}

/** One committed change of a key, for `GetHistoryForKey`. */
export interface KeyModification {
  readonly txId: string;
  readonly blockNum: number;
  readonly txNum: number;
  /** Empty for a delete. */
  readonly value: Uint8Array;
  readonly isDelete: boolean;
  /** The transaction's channel-header timestamp. */
  readonly timestamp: Date;
}

/** Committed world state, read-only. Reads reflect the last committed block at call time. */
export interface StateReader {
  get(namespace: string, key: string): Promise<VersionedValue | undefined>;
  /**
   * Keys of `namespace` in [startKey, endKey) in byte order; `endKey === ''` means to the end of
   * the namespace. Composite keys (leading U+0000) sort before simple keys, as in Fabric.
   */
  range(namespace: string, startKey: string, endKey: string): AsyncIterable<StateEntry>;
}

/** Committed key history, newest first (Fabric 2.x order). */
export interface HistoryReader {
  history(namespace: string, key: string): AsyncIterable<KeyModification>;
}
