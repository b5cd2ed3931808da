import { ledger } from '@hyperledger/fabric-protos';
import type { Version } from '../ledger/world-state.js';
import { compareKeys } from './key-order.js';
import { SimulationError } from './simulation-error.js';

const { rwset } = ledger;
const { kvrwset } = rwset;

/** A key read during simulation; `version` is absent when the key did not exist. */
export interface KeyRead {
  readonly key: string;
  readonly version: Version | undefined;
}

/** A key written (or deleted) by the transaction. */
export interface KeyWrite {
  readonly key: string;
  readonly isDelete: boolean;
  /** Empty for a delete. */
  readonly value: Uint8Array;
}

/** The key's complete metadata after the transaction (Fabric replaces metadata as a whole). */
export interface KeyMetadataWrite {
  readonly key: string;
  readonly entries: readonly { readonly name: string; readonly value: Uint8Array }[];
}

/** A range scan and the keys it returned, for phantom-read validation. */
export interface RangeQuery {
  readonly startKey: string;
  readonly endKey: string;
  /** True when the chaincode read the range to its end. */
  readonly itrExhausted: boolean;
  readonly reads: readonly KeyRead[];
}

/** One chaincode namespace's part of a read/write set. */
export interface NamespaceReadWriteSet {
  readonly namespace: string;
  readonly reads: readonly KeyRead[];
  readonly rangeQueries: readonly RangeQuery[];
  readonly writes: readonly KeyWrite[];
  readonly metadataWrites: readonly KeyMetadataWrite[];
}

/** A transaction's public read/write set (Fabric `rwset.TxReadWriteSet`, data model KV). */
export interface ReadWriteSet {
  readonly namespaces: readonly NamespaceReadWriteSet[];
}

function byKey<T extends { readonly key: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compareKeys(a.key, b.key));
}

function encodeRead(read: KeyRead): InstanceType<typeof kvrwset.KVRead> {
  const kv = new kvrwset.KVRead();
  kv.setKey(read.key);
  if (read.version !== undefined) {
    const version = new kvrwset.Version();
    version.setBlockNum(read.version.blockNum);
    version.setTxNum(read.version.txNum);
    kv.setVersion(version);
  }
  return kv;
}

function decodeRead(kv: InstanceType<typeof kvrwset.KVRead>): KeyRead {
  const version = kv.getVersion();
  return { key: kv.getKey(), version: version === undefined ? undefined : { blockNum: version.getBlockNum(), txNum: version.getTxNum() } };
}

function encodeNamespace(ns: NamespaceReadWriteSet): Uint8Array {
  const set = new kvrwset.KVRWSet();
  set.setReadsList(byKey(ns.reads).map(encodeRead));
  // Range queries stay in execution order, as Fabric records them.
  set.setRangeQueriesInfoList(
    ns.rangeQueries.map((query) => {
      const info = new kvrwset.RangeQueryInfo();
      info.setStartKey(query.startKey);
      info.setEndKey(query.endKey);
      info.setItrExhausted(query.itrExhausted);
      const raw = new kvrwset.QueryReads();
      raw.setKvReadsList(query.reads.map(encodeRead));
      info.setRawReads(raw);
      return info;
    }),
  );
  set.setWritesList(
    byKey(ns.writes).map((write) => {
      const kv = new kvrwset.KVWrite();
      kv.setKey(write.key);
      kv.setIsDelete(write.isDelete);
      kv.setValue(write.isDelete ? new Uint8Array() : write.value);
      return kv;
    }),
  );
  set.setMetadataWritesList(
    byKey(ns.metadataWrites).map((write) => {
      const kv = new kvrwset.KVMetadataWrite();
      kv.setKey(write.key);
      kv.setEntriesList(
        [...write.entries]
          .sort((a, b) => compareKeys(a.name, b.name))
          .map((entry) => {
            const e = new kvrwset.KVMetadataEntry();
            e.setName(entry.name);
            e.setValue(entry.value);
            return e;
          }),
      );
      return kv;
    }),
  );
  return set.serializeBinary();
}

/**
 * Canonical `rwset.TxReadWriteSet` bytes: namespaces, reads, writes, metadata writes and metadata
 * entries sorted by UTF-8 bytes, range queries in execution order. Equal sets give equal bytes,
 * which is what lets several endorsers' signatures cover one payload.
 */
export function encodeReadWriteSet(set: ReadWriteSet): Uint8Array {
  const tx = new rwset.TxReadWriteSet();
  tx.setDataModel(rwset.TxReadWriteSet.DataModel.KV);
  tx.setNsRwsetList(
    [...set.namespaces]
      .sort((a, b) => compareKeys(a.namespace, b.namespace))
      .map((ns) => {
        const nsSet = new rwset.NsReadWriteSet();
        nsSet.setNamespace(ns.namespace);
        nsSet.setRwset(encodeNamespace(ns));
        return nsSet;
      }),
  );
  return tx.serializeBinary();
}

/**
 * Decodes `rwset.TxReadWriteSet` bytes (public data only; hashed private-data sets are
 * reported as MALFORMED_RWSET since this peer never produces them). Throws SimulationError.
 */
export function decodeReadWriteSet(bytes: Uint8Array): ReadWriteSet {
  try {
    const tx = rwset.TxReadWriteSet.deserializeBinary(bytes);
    if (tx.getDataModel() !== rwset.TxReadWriteSet.DataModel.KV) throw new Error(`data model ${tx.getDataModel()} is not KV`);
    return {
      namespaces: tx.getNsRwsetList().map((nsSet) => {
        if (nsSet.getCollectionHashedRwsetList().length > 0) throw new Error(`namespace ${nsSet.getNamespace()} carries private data`);
        const set = kvrwset.KVRWSet.deserializeBinary(nsSet.getRwset_asU8());
        return {
          namespace: nsSet.getNamespace(),
          reads: set.getReadsList().map(decodeRead),
          rangeQueries: set.getRangeQueriesInfoList().map((info) => {
            if (info.hasReadsMerkleHashes()) throw new Error('range query with Merkle summary is not supported');
            return {
              startKey: info.getStartKey(),
              endKey: info.getEndKey(),
              itrExhausted: info.getItrExhausted(),
              reads: (info.getRawReads()?.getKvReadsList() ?? []).map(decodeRead),
            };
          }),
          writes: set.getWritesList().map((kv) => ({ key: kv.getKey(), isDelete: kv.getIsDelete(), value: kv.getValue_asU8() })),
          metadataWrites: set.getMetadataWritesList().map((kv) => ({
            key: kv.getKey(),
            entries: kv.getEntriesList().map((e) => ({ name: e.getName(), value: e.getValue_asU8() })),
          })),
        };
      }),
    };
  } catch (cause) {
    if (cause instanceof SimulationError) throw cause;
    throw new SimulationError('MALFORMED_RWSET', `read/write set does not decode: ${(cause as Error).message}`, {}, cause);
  }
}
