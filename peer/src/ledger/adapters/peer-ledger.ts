import { mkdir } from 'node:fs/promises';
import { common } from '@hyperledger/fabric-protos';
import { ClassicLevel } from 'classic-level';
import type { BlockValidation } from '../../validation/block-validation.js';
import { headerHashOf } from '../block-header-hash.js';
import { blockUpdates, checkValidationMatches, type BlockUpdates, type LedgerOp } from '../block-updates.js';
import { LedgerError } from '../ledger-error.js';
import {
  BLOCK_HASH_INDEXED_KEY, blockHashKey, blockKey, CHANNEL_KEY, REBUILD_KEY, eventPrefix, historyPrefix, keyOfStateKey, KEY_PREFIX, kindRange, prefixEnd, readU64, SAVEPOINT_KEY, stateKey,
  stateRange, txIndexKey, u64,
} from '../ledger-keys.js';
import {
  decodeEvent, decodeHistory, decodeSavepoint, decodeState, decodeTxIndex, encodeSavepoint, type Savepoint, type StateRecord, type TxIndexRecord,
} from '../ledger-records.js';
import { CommittedCache } from '../committed-cache.js';
import { validationOfStoredBlock, withTransactionsFilter } from '../stored-block-validation.js';
import type { HistoryReader, KeyModification, StateEntry, StateReader, VersionedValue } from '../world-state.js';
import { decodeBounded } from '@speedledger/orderer-bft';

/** Options of {@link PeerLedger.open}. */
export interface PeerLedgerOptions {
  /** The channel this ledger holds; reopening with another one fails (LEDGER_WRONG_CHANNEL). */
  readonly channelId: string;
  /**
   * Entries of decoded committed state, and of tx-index records, kept in memory (default
   * 65,536 each; 0 disables the caches).
   */
  readonly cacheEntries?: number;
}

/** What a commit listener receives once the block's batch is durable. */
export interface CommitNotification {
  /** The block as stored (TRANSACTIONS_FILTER in metadata index 2). */
  readonly block: common.Block;
  readonly validation: BlockValidation;
}

/** A committed chaincode event with where it was committed. */
export interface StoredChaincodeEvent {
  readonly blockNum: number;
  readonly txNum: number;
  readonly chaincodeId: string;
  readonly txId: string;
  readonly eventName: string;
  readonly payload: Uint8Array;
}

/** Where a transaction id was committed and with which `peer.TxValidationCode`. */
export type TxValidationRecord = TxIndexRecord;

/** A committed transaction's envelope as ordered, with where and how it was committed. */
export interface StoredTransaction extends TxIndexRecord {
  /** The `common.Envelope` bytes, exactly as in the block. */
  readonly envelope: Uint8Array;
}

/** Fabric's `BlockchainInfo` fields: one consistent view of the chain's tip. */
export interface ChainInfo {
  readonly height: number;
  /** Header hash of the last block (empty at height 0). */
  readonly currentBlockHash: Uint8Array;
  /** The last block's previous_hash (empty at height 0 and for the genesis block). */
  readonly previousBlockHash: Uint8Array;
}

type Db = ClassicLevel<Uint8Array, Uint8Array>;

/**
 * The peer's persistent ledger for one channel in one LevelDB: block store, state database,
 * history index, transaction index and chaincode events. Each block is committed in ONE
 * synchronous atomic batch together with the savepoint, so after a crash the ledger holds
 * every block up to some height fully, and nothing of the next one.
 */
export class PeerLedger {
  /** Committed world state (reflects the last committed block at call time). */
  readonly state: StateReader;
  /** Committed key history, newest first. */
  readonly history: HistoryReader;
  private savepoint: Savepoint;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(notification: CommitNotification) => void>();
  private closed = false;
  private readonly stateCache: CommittedCache<StateRecord>;
  private readonly txCache: CommittedCache<TxIndexRecord>;
  /** The last block's previous_hash, for the height it belongs to (read once, then kept by commits). */
  private tipPrevious: { readonly height: number; readonly hash: Uint8Array } | undefined;

  private constructor(private readonly db: Db, readonly channelId: string, savepoint: Savepoint, cacheEntries: number | undefined) {
    this.savepoint = savepoint;
    this.stateCache = new CommittedCache(cacheEntries);
    this.txCache = new CommittedCache(cacheEntries);
    this.state = { get: (ns, key) => this.getState(ns, key), range: (ns, start, end) => this.rangeState(ns, start, end) };
    this.history = { history: (ns, key) => this.keyHistory(ns, key) };
  }

  /** Opens (creating if needed) the ledger in `dir`; finishes a state rebuild a crash interrupted. */
  static async open(dir: string, options: PeerLedgerOptions): Promise<PeerLedger> {
    let db: Db;
    try {
      await mkdir(dir, { recursive: true });
      db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
      await db.open();
    } catch (error) {
      throw new LedgerError('LEDGER_OPEN_FAILED', `cannot open the ledger database in ${dir}`, { dir, channel: options.channelId }, error);
    }
    try {
      const channel = await db.get(CHANNEL_KEY);
      const stored = channel === undefined ? undefined : new TextDecoder().decode(channel);
      if (stored !== undefined && stored !== options.channelId) {
        throw new LedgerError('LEDGER_WRONG_CHANNEL', `the ledger in ${dir} holds channel ${stored}, not ${options.channelId}`, { dir, channel: options.channelId });
      }
      const savepointBytes = await db.get(SAVEPOINT_KEY);
      const savepoint = savepointBytes === undefined ? { height: 0, lastHash: new Uint8Array() } : decodeSavepoint(savepointBytes);
      const ledger = new PeerLedger(db, options.channelId, savepoint, options.cacheEntries);
      if ((await db.get(REBUILD_KEY)) !== undefined) await ledger.replay();
      if (savepoint.height > 0 && (await db.get(BLOCK_HASH_INDEXED_KEY)) === undefined) await ledger.indexBlockHashes();
      return ledger;
    } catch (error) {
      await db.close();
      throw error;
    }
  }

  /** Number of committed blocks (= the number of the next block to commit). */
  height(): number {
    return this.savepoint.height;
  }

  /** Header hash of the last committed block; undefined while the ledger is empty. */
  lastBlockHash(): Uint8Array | undefined {
    return this.savepoint.height === 0 ? undefined : Uint8Array.from(this.savepoint.lastHash);
  }

  /** A committed block as stored (with its TRANSACTIONS_FILTER), or undefined beyond the height. */
  async blockByNumber(blockNum: number): Promise<common.Block | undefined> {
    this.assertOpen();
    if (!Number.isSafeInteger(blockNum) || blockNum < 0 || blockNum >= this.savepoint.height) return undefined;
    const bytes = await this.db.get(blockKey(blockNum));
    if (bytes === undefined) throw new LedgerError('LEDGER_CORRUPT', `block ${blockNum} is below the height but missing`, { block: blockNum });
    try {
      return decodeBounded(common.Block, bytes);
    } catch (error) {
      throw new LedgerError('LEDGER_CORRUPT', `stored block ${blockNum} does not parse`, { block: blockNum }, error);
    }
  }

  /** The committed block whose header hash is `hash`, or undefined. */
  async blockByHash(hash: Uint8Array): Promise<common.Block | undefined> {
    this.assertOpen();
    if (hash.byteLength === 0) return undefined;
    const number = await this.db.get(blockHashKey(hash));
    if (number === undefined) return undefined;
    if (number.byteLength !== 8) throw new LedgerError('LEDGER_CORRUPT', 'a block-hash index entry is not a block number', { channel: this.channelId });
    return this.blockByNumber(readU64(number, 0));
  }

  /** Height, last block hash and that block's previous hash, all of one height. */
  async chainInfo(): Promise<ChainInfo> {
    this.assertOpen();
    const { height, lastHash } = this.savepoint;
    if (height === 0) return { height, currentBlockHash: new Uint8Array(), previousBlockHash: new Uint8Array() };
    let previous = this.tipPrevious;
    if (previous?.height !== height) {
      // Block height-1 never changes once stored, so a commit meanwhile cannot mix two tips.
      const block = await this.blockByNumber(height - 1);
      previous = { height, hash: block?.getHeader()?.getPreviousHash_asU8() ?? new Uint8Array() };
      if (this.savepoint.height === height) this.tipPrevious = previous;
    }
    return { height, currentBlockHash: Uint8Array.from(lastHash), previousBlockHash: Uint8Array.from(previous.hash) };
  }

  /** The envelope that committed `txId` (its first occurrence) with its block, index and code, or undefined. */
  async transactionByTxId(txId: string): Promise<StoredTransaction | undefined> {
    const record = await this.txValidation(txId);
    if (record === undefined) return undefined;
    const envelope = (await this.blockByNumber(record.blockNum))?.getData()?.getDataList_asU8()[record.txNum];
    if (envelope === undefined) throw new LedgerError('LEDGER_CORRUPT', `transaction ${txId} is indexed at ${record.blockNum}:${record.txNum}, which does not exist`, { block: record.blockNum, txId });
    return { ...record, envelope };
  }

  /** The block that committed `txId` (its first occurrence), or undefined. */
  async blockByTxId(txId: string): Promise<common.Block | undefined> {
    const record = await this.txValidation(txId);
    return record === undefined ? undefined : this.blockByNumber(record.blockNum);
  }

  /** Where `txId` was committed and its validation code, or undefined if never committed. */
  async txValidation(txId: string): Promise<TxValidationRecord | undefined> {
    this.assertOpen();
    if (txId === '') return undefined;
    const cached = this.txCache.get(txId);
    if (cached !== undefined) return cached ?? undefined;
    const token = this.txCache.startRead();
    const bytes = await this.db.get(txIndexKey(txId));
    const record = bytes === undefined ? undefined : decodeTxIndex(bytes);
    this.txCache.fill(txId, record, token);
    return record;
  }

  /** True if `txId` is in a committed block, valid or not (the validator's duplicate check). */
  async txIdCommitted(txId: string): Promise<boolean> {
    return (await this.txValidation(txId)) !== undefined;
  }

  /** Committed events of `chaincodeId` from block `fromBlock` on, in commit order. */
  async *chaincodeEvents(chaincodeId: string, fromBlock = 0): AsyncIterable<StoredChaincodeEvent> {
    this.assertOpen();
    const prefix = eventPrefix(chaincodeId);
    const gte = new Uint8Array([...prefix, ...u64(fromBlock)]);
    for await (const [key, value] of this.db.iterator({ gte, lt: prefixEnd(prefix) })) {
      if (key.byteLength !== prefix.byteLength + 16) continue;
      const record = decodeEvent(value);
      yield { blockNum: readU64(key, prefix.byteLength), txNum: readU64(key, prefix.byteLength + 8), chaincodeId, ...record };
    }
  }

  /**
   * Registers a listener called after each block's batch is durable, in commit order.
   * A throwing listener is ignored (the block is committed regardless). Returns the unsubscribe.
   */
  onCommit(listener: (notification: CommitNotification) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Commits `block` with its validation: refuses a block that is not next
   * (LEDGER_BLOCK_OUT_OF_ORDER) or does not chain to the last one (LEDGER_BAD_PREVIOUS_HASH).
   * Calls are serialised: concurrent commits run one after another.
   */
  commit(block: common.Block, validation: BlockValidation): Promise<void> {
    const run = this.queue.then(() => this.commitNow(block, validation));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Drops state, history, tx index and events and replays every stored block's VALID writes
   * from its stored TRANSACTIONS_FILTER. Crash-safe: a rebuild interrupted by a crash resumes
   * on the next open. Runs after pending commits.
   */
  rebuildState(): Promise<void> {
    const run = this.queue.then(async () => {
      this.assertOpen();
      await this.db.put(REBUILD_KEY, new Uint8Array(), { sync: true });
      await this.replay();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Closes the database after pending commits. */
  async close(): Promise<void> {
    await this.queue;
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await this.db.close();
  }

  private async commitNow(block: common.Block, validation: BlockValidation): Promise<void> {
    this.assertOpen();
    const header = block.getHeader();
    if (header === undefined || block.getData() === undefined) throw new LedgerError('LEDGER_MALFORMED_BLOCK', 'block has no header or no data');
    const number = header.getNumber();
    const height = this.savepoint.height;
    if (number !== height) {
      throw new LedgerError('LEDGER_BLOCK_OUT_OF_ORDER', `block ${number} is not the next block ${height}`, { block: number, height, channel: this.channelId });
    }
    if (height > 0 && !Buffer.from(header.getPreviousHash_asU8()).equals(this.savepoint.lastHash)) {
      throw new LedgerError('LEDGER_BAD_PREVIOUS_HASH', `block ${number}'s previous hash is not the hash of block ${height - 1}`, { block: number, channel: this.channelId });
    }
    checkValidationMatches(block, validation);
    const stored = withTransactionsFilter(block, validation.transactionsFilter);
    const { ops, state, txIndex } = await blockUpdates(validation, this.lookups());
    const savepoint = { height: height + 1, lastHash: headerHashOf(header) };
    const batch = [
      ...ops,
      { type: 'put' as const, key: blockKey(number), value: stored.serializeBinary() },
      { type: 'put' as const, key: blockHashKey(savepoint.lastHash), value: u64(number) },
      { type: 'put' as const, key: SAVEPOINT_KEY, value: encodeSavepoint(savepoint) },
      ...(number === 0
        ? [
          { type: 'put' as const, key: CHANNEL_KEY, value: new TextEncoder().encode(this.channelId) },
          { type: 'put' as const, key: BLOCK_HASH_INDEXED_KEY, value: new Uint8Array() },
        ]
        : []),
    ];
    await this.write(batch, true);
    this.savepoint = savepoint;
    this.tipPrevious = { height: savepoint.height, hash: Uint8Array.from(header.getPreviousHash_asU8()) };
    this.applyToCaches(state, txIndex);
    for (const listener of [...this.listeners]) {
      try {
        listener({ block: stored, validation });
      } catch {
        // A listener's failure is its own: the block is durable and the ledger consistent.
      }
    }
  }

  private async replay(): Promise<void> {
    this.stateCache.clear();
    this.txCache.clear();
    for (const kind of [KEY_PREFIX.state, KEY_PREFIX.history, KEY_PREFIX.txIndex, KEY_PREFIX.event]) await this.db.clear(kindRange(kind));
    for (let n = 0; n < this.savepoint.height; n += 1) {
      const block = await this.blockByNumber(n);
      const { ops, state, txIndex } = await blockUpdates(validationOfStoredBlock(block!), this.lookups());
      await this.write(ops, false);
      this.applyToCaches(state, txIndex);
    }
    await this.write([{ type: 'del', key: REBUILD_KEY }], true);
  }

  /** Indexes the header hash of every stored block: once, for a ledger written before the index existed. */
  private async indexBlockHashes(): Promise<void> {
    for (let n = 0; n < this.savepoint.height; n += 1) {
      const header = (await this.blockByNumber(n))?.getHeader();
      if (header === undefined) throw new LedgerError('LEDGER_CORRUPT', `stored block ${n} has no header`, { block: n, channel: this.channelId });
      await this.write([{ type: 'put', key: blockHashKey(headerHashOf(header)), value: u64(n) }], false);
    }
    await this.write([{ type: 'put', key: BLOCK_HASH_INDEXED_KEY, value: new Uint8Array() }], true);
  }

  private lookups(): Parameters<typeof blockUpdates>[1] {
    return {
      state: (ns, key) => this.getState(ns, key),
      txIndexed: async (txId) => (await this.txValidation(txId)) !== undefined,
    };
  }

  private async write(ops: readonly LedgerOp[], sync: boolean): Promise<void> {
    try {
      await this.db.batch(ops.map((op) => (op.type === 'put' ? { type: 'put', key: op.key, value: op.value } : { type: 'del', key: op.key })), { sync });
    } catch (error) {
      throw new LedgerError('LEDGER_CORRUPT', 'the ledger database refused a write', { channel: this.channelId, height: this.savepoint.height }, error);
    }
  }

  private async getState(namespace: string, key: string): Promise<VersionedValue | undefined> {
    this.assertOpen();
    const id = stateCacheKey(namespace, key);
    const cached = this.stateCache.get(id);
    if (cached !== undefined) return cached ?? undefined;
    const token = this.stateCache.startRead();
    const bytes = await this.db.get(stateKey(namespace, key));
    const record = bytes === undefined ? undefined : decodeState(bytes);
    this.stateCache.fill(id, record, token);
    return record;
  }

  private applyToCaches(state: BlockUpdates['state'], txIndex: BlockUpdates['txIndex']): void {
    this.stateCache.commit(state.map(({ namespace, key, record }) => [stateCacheKey(namespace, key), record] as const));
    this.txCache.commit(txIndex);
  }

  private async *rangeState(namespace: string, startKey: string, endKey: string): AsyncIterable<StateEntry> {
    this.assertOpen();
    for await (const [stored, value] of this.db.iterator(stateRange(namespace, startKey, endKey))) {
      yield { key: keyOfStateKey(namespace, stored), ...decodeState(value) };
    }
  }

  private async *keyHistory(namespace: string, key: string): AsyncIterable<KeyModification> {
    this.assertOpen();
    const prefix = historyPrefix(namespace, key);
    for await (const [stored, value] of this.db.iterator({ gte: prefix, lt: prefixEnd(prefix), reverse: true })) {
      // A longer key sharing the prefix (key + "\0" + ...) is another key's history.
      if (stored.byteLength !== prefix.byteLength + 16) continue;
      const record = decodeHistory(value);
      yield {
        txId: record.txId, blockNum: readU64(stored, prefix.byteLength), txNum: readU64(stored, prefix.byteLength + 8),
        value: record.value, isDelete: record.isDelete, timestamp: new Date(record.timestampMs),
      };
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new LedgerError('LEDGER_CLOSED', 'the ledger is closed', { channel: this.channelId });
  }
}

// Namespaces never contain U+0000 (chaincode names are [a-zA-Z0-9_-], and `_lifecycle`); keys may.
function stateCacheKey(namespace: string, key: string): string {
  return `${namespace}\u0000${key}`;
}
