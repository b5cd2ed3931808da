/**
 * The ledger's key layout in its one LevelDB. Every record kind has a one-byte prefix so a
 * kind can be dropped or scanned as one range; within a kind, keys sort as Fabric's do
 * (UTF-8 bytes, numbers big-endian so byte order is numeric order).
 */

const encoder = new TextEncoder();

/** One-byte prefixes of the record kinds. */
export const KEY_PREFIX = {
  meta: 0x01,
  block: 0x02,
  txIndex: 0x03,
  state: 0x04,
  history: 0x05,
  event: 0x06,
  blockHash: 0x07,
} as const;

/** Separator between a namespace and a key (namespaces never contain U+0000). */
const SEP = 0x00;

/** Big-endian u64 of a non-negative safe integer. */
export function u64(n: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

/** Reads the big-endian u64 at `offset`. */
export function readU64(bytes: Uint8Array, offset: number): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(offset));
}

function concat(...parts: (Uint8Array | number)[]): Uint8Array {
  const arrays = parts.map((p) => (typeof p === 'number' ? Uint8Array.of(p) : p));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.byteLength, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.byteLength;
  }
  return out;
}

/** The savepoint record: height and last header hash, written with every block. */
export const SAVEPOINT_KEY = concat(KEY_PREFIX.meta, encoder.encode('savepoint'));
/** Marks a state rebuild in progress, so a crash in the middle resumes it on the next open. */
export const REBUILD_KEY = concat(KEY_PREFIX.meta, encoder.encode('rebuild-pending'));
/** The channel the ledger belongs to, written with block 0. */
export const CHANNEL_KEY = concat(KEY_PREFIX.meta, encoder.encode('channel'));

/**
 * Marks the block-hash index complete below the height. Written with block 0 on new ledgers; a
 * ledger from before the index has none, and `open` fills the index in once.
 */
export const BLOCK_HASH_INDEXED_KEY = concat(KEY_PREFIX.meta, encoder.encode('block-hash-indexed'));

/** Block header hash → the block's number (big-endian u64). */
export function blockHashKey(hash: Uint8Array): Uint8Array {
  return concat(KEY_PREFIX.blockHash, hash);
}

export function blockKey(blockNum: number): Uint8Array {
  return concat(KEY_PREFIX.block, u64(blockNum));
}

export function txIndexKey(txId: string): Uint8Array {
  return concat(KEY_PREFIX.txIndex, encoder.encode(txId));
}

export function stateKey(namespace: string, key: string): Uint8Array {
  return concat(KEY_PREFIX.state, encoder.encode(namespace), SEP, encoder.encode(key));
}

/** Bounds of `namespace`'s keys in [startKey, endKey); `endKey === ''` = to the namespace's end. */
export function stateRange(namespace: string, startKey: string, endKey: string): { gte: Uint8Array; lt: Uint8Array } {
  const ns = encoder.encode(namespace);
  return {
    gte: concat(KEY_PREFIX.state, ns, SEP, encoder.encode(startKey)),
    lt: endKey === '' ? concat(KEY_PREFIX.state, ns, SEP + 1) : concat(KEY_PREFIX.state, ns, SEP, encoder.encode(endKey)),
  };
}

/** The state key's `key` part (the bytes after `prefix ns \0`). */
export function keyOfStateKey(namespace: string, stored: Uint8Array): string {
  return new TextDecoder().decode(stored.subarray(1 + encoder.encode(namespace).byteLength + 1));
}

export function historyKey(namespace: string, key: string, blockNum: number, txNum: number): Uint8Array {
  return concat(historyPrefix(namespace, key), u64(blockNum), u64(txNum));
}

/** Every history key of (namespace, key) starts with this and is exactly 16 bytes longer. */
export function historyPrefix(namespace: string, key: string): Uint8Array {
  return concat(KEY_PREFIX.history, encoder.encode(namespace), SEP, encoder.encode(key), SEP);
}

export function eventKey(chaincodeId: string, blockNum: number, txNum: number): Uint8Array {
  return concat(eventPrefix(chaincodeId), u64(blockNum), u64(txNum));
}

/** Every event key of `chaincodeId` starts with this and is exactly 16 bytes longer. */
export function eventPrefix(chaincodeId: string): Uint8Array {
  return concat(KEY_PREFIX.event, encoder.encode(chaincodeId), SEP);
}

/** The smallest key greater than every key starting with `prefix`. */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  const out = Uint8Array.from(prefix);
  for (let i = out.length - 1; i >= 0; i -= 1) {
    if (out[i]! < 0xff) {
      out[i] = out[i]! + 1;
      return out.subarray(0, i + 1);
    }
  }
  return Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
}

/** The one-byte range of a whole record kind. */
export function kindRange(prefix: number): { gte: Uint8Array; lt: Uint8Array } {
  return { gte: Uint8Array.of(prefix), lt: Uint8Array.of(prefix + 1) };
}
