import { common, peer } from '@hyperledger/fabric-protos';
import type { BlockValidation } from '../validation/block-validation.js';
import { LedgerError } from './ledger-error.js';
import { eventKey, historyKey, stateKey, txIndexKey } from './ledger-keys.js';
import { encodeEvent, encodeHistory, encodeState, encodeTxIndex, type StateRecord, type TxIndexRecord } from './ledger-records.js';

const VALID = peer.TxValidationCode.VALID;

/** One write of the ledger's atomic batch. */
export type LedgerOp =
  | { readonly type: 'put'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly type: 'del'; readonly key: Uint8Array };

/** The final state of one key a block wrote (`null`: deleted). */
export interface StateChange {
  readonly namespace: string;
  readonly key: string;
  readonly record: StateRecord | null;
}

/** A block's batch, and what it adds to state and tx index (for the ledger's caches). */
export interface BlockUpdates {
  readonly ops: LedgerOp[];
  /** The final state of every key the block wrote. */
  readonly state: readonly StateChange[];
  /** The tx-index records the block adds (first occurrences only). */
  readonly txIndex: readonly (readonly [txId: string, record: TxIndexRecord])[];
}

/** What computing a block's updates reads from the ledger as committed before the block. */
export interface CommittedLookups {
  state(namespace: string, key: string): Promise<StateRecord | undefined>;
  txIndexed(txId: string): Promise<boolean>;
}

/**
 * Checks that `validation` describes `block`: same number, one verdict per envelope in order,
 * and a filter that agrees with the verdicts. Throws LEDGER_VALIDATION_MISMATCH otherwise.
 */
export function checkValidationMatches(block: common.Block, validation: BlockValidation): void {
  const number = block.getHeader()?.getNumber();
  const count = block.getData()?.getDataList_asU8().length;
  if (number === undefined || count === undefined) throw new LedgerError('LEDGER_MALFORMED_BLOCK', 'block has no header or no data');
  const mismatch = (what: string): never => {
    throw new LedgerError('LEDGER_VALIDATION_MISMATCH', `validation does not describe block ${number}: ${what}`, { block: number });
  };
  if (validation.blockNumber !== number) mismatch(`it is for block ${validation.blockNumber}`);
  if (validation.transactions.length !== count) mismatch(`${validation.transactions.length} verdicts for ${count} transactions`);
  if (validation.transactionsFilter.byteLength !== count) mismatch(`filter of ${validation.transactionsFilter.byteLength} bytes for ${count} transactions`);
  validation.transactions.forEach((tx, i) => {
    if (tx.index !== i) mismatch(`verdict ${i} has index ${tx.index}`);
    if (tx.code !== validation.transactionsFilter[i]) mismatch(`verdict ${i} has code ${tx.code}, the filter ${validation.transactionsFilter[i]}`);
    if (tx.code !== VALID && (tx.writes.length > 0 || tx.chaincodeEvent !== undefined)) mismatch(`invalid transaction ${i} carries writes or an event`);
  });
}

/**
 * The state, history, tx-index and event records one validated block adds, with Fabric's
 * semantics: only VALID transactions write; a value write keeps the key's existing metadata;
 * a metadata write replaces the metadata of an existing key (and is ignored for an absent or
 * deleted key); a delete removes value and metadata; every write gets version (block, tx).
 * History has one entry per value write or delete. The tx index keeps a transaction id's first
 * occurrence (a later duplicate does not overwrite the committed one). Also returns each written
 * key's final state and the new tx-index records, so the ledger can update its caches without
 * decoding the batch again.
 */
export async function blockUpdates(validation: BlockValidation, committed: CommittedLookups): Promise<BlockUpdates> {
  const blockNum = validation.blockNumber;
  const ops: LedgerOp[] = [];
  const overlay = new Map<string, StateChange>();
  const current = async (namespace: string, key: string): Promise<StateRecord | undefined> => {
    const hit = overlay.get(`${namespace}\0${key}`);
    if (hit !== undefined) return hit.record ?? undefined;
    return committed.state(namespace, key);
  };
  const indexed = new Set<string>();
  const txIndex: [string, TxIndexRecord][] = [];

  for (const tx of validation.transactions) {
    if (tx.txId !== '' && !indexed.has(tx.txId)) {
      indexed.add(tx.txId);
      if (!(await committed.txIndexed(tx.txId))) {
        const record = { blockNum, txNum: tx.index, code: tx.code };
        ops.push({ type: 'put', key: txIndexKey(tx.txId), value: encodeTxIndex(record) });
        txIndex.push([tx.txId, record]);
      }
    }
    if (tx.code !== VALID) continue;
    const version = { blockNum, txNum: tx.index };
    for (const ns of tx.writes) {
      const deleted = new Set<string>();
      for (const write of ns.writes) {
        const id = `${ns.namespace}\0${write.key}`;
        if (write.value === null) {
          deleted.add(write.key);
          overlay.set(id, { namespace: ns.namespace, key: write.key, record: null });
        } else {
          deleted.delete(write.key);
          const metadata = (await current(ns.namespace, write.key))?.metadata ?? new Map<string, Uint8Array>();
          overlay.set(id, { namespace: ns.namespace, key: write.key, record: { value: write.value, version, metadata } });
        }
        ops.push({
          type: 'put',
          key: historyKey(ns.namespace, write.key, blockNum, tx.index),
          value: encodeHistory({ txId: tx.txId, timestampMs: tx.timestamp.getTime(), isDelete: write.value === null, value: write.value ?? new Uint8Array() }),
        });
      }
      for (const metadataWrite of ns.metadataWrites) {
        if (deleted.has(metadataWrite.key)) continue;
        const existing = await current(ns.namespace, metadataWrite.key);
        if (existing === undefined) continue;
        overlay.set(`${ns.namespace}\0${metadataWrite.key}`, {
          namespace: ns.namespace, key: metadataWrite.key, record: { value: existing.value, version, metadata: new Map(metadataWrite.entries) },
        });
      }
    }
    const event = tx.chaincodeEvent;
    if (event !== undefined) {
      ops.push({ type: 'put', key: eventKey(event.chaincodeId, blockNum, tx.index), value: encodeEvent({ txId: event.txId, eventName: event.eventName, payload: event.payload }) });
    }
  }
  for (const { namespace, key, record } of overlay.values()) {
    ops.push(record === null ? { type: 'del', key: stateKey(namespace, key) } : { type: 'put', key: stateKey(namespace, key), value: encodeState(record) });
  }
  return { ops, state: [...overlay.values()], txIndex };
}
