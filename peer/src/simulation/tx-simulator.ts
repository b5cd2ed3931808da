/**
 * A transaction simulation over committed state: reads are recorded with the version they saw,
 * writes are buffered (read-your-writes is NOT provided, as in Fabric), and `results()` yields the
 * Fabric `rwset.TxReadWriteSet` bytes endorsers sign. Used by the shim-protocol handler for
 * user chaincode and directly by system chaincodes such as `_lifecycle`.
 */
export interface TxSimulator {
  readonly txId: string;
  getState(namespace: string, key: string): Promise<Uint8Array | undefined>;
  /** Key metadata entries (records a read of the key, as Fabric does). */
  getStateMetadata(namespace: string, key: string): Promise<ReadonlyMap<string, Uint8Array>>;
  putState(namespace: string, key: string, value: Uint8Array): void;
  deleteState(namespace: string, key: string): void;
  setStateMetadata(namespace: string, key: string, name: string, value: Uint8Array): void;
  /** Range over committed state, recorded as a range query for phantom-read validation. */
  rangeScan(namespace: string, startKey: string, endKey: string): AsyncIterable<{ readonly key: string; readonly value: Uint8Array }>;
  /** Canonical `rwset.TxReadWriteSet` bytes: namespaces and keys sorted. Ends the simulation. */
  results(): Uint8Array;
}
