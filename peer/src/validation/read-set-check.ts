import { peer, type ledger } from '@hyperledger/fabric-protos';
import type { StateEntry, StateReader, Version } from '../ledger/world-state.js';
import type { BlockOverlay } from './block-overlay.js';
import type { NamespaceRwSet } from './endorser-action.js';
import { refuse, type Refusal } from './parse-transaction.js';

const C = peer.TxValidationCode;
type KVRead = ledger.rwset.kvrwset.KVRead;

function sameVersion(read: KVRead, committed: Version | undefined): boolean {
  const version = read.getVersion();
  if (version === undefined) return committed === undefined;
  return committed !== undefined && committed.blockNum === version.getBlockNum() && committed.txNum === version.getTxNum();
}

async function rangeMatches(namespace: string, info: ledger.rwset.kvrwset.RangeQueryInfo, overlay: BlockOverlay): Promise<boolean> {
  const expected = info.getRawReads()?.getKvReadsList() ?? [];
  // Fabric: an exhausted iterator is re-run over [start, end); one stopped early over
  // [start, last key read], the endorser having recorded that key as the end.
  const actual: AsyncIterable<StateEntry> = info.getItrExhausted()
    ? overlay.range(namespace, info.getStartKey(), info.getEndKey())
    : overlay.rangeInclusive(namespace, info.getStartKey(), info.getEndKey());
  let i = 0;
  for await (const entry of actual) {
    const read = expected[i++];
    if (read === undefined || read.getKey() !== entry.key || !sameVersion(read, entry.version)) return false;
  }
  return i === expected.length;
}

/**
 * Fabric's MVCC stage (`statebasedval`), per namespace in rwset order: every read version must
 * equal the committed one (no version = key absent), and a key written by an earlier valid
 * transaction of this block is always a conflict → MVCC_READ_CONFLICT; every range query re-run
 * over committed state plus this block's earlier valid writes must return the same keys and
 * versions → PHANTOM_READ_CONFLICT. Ranges recorded as Merkle summaries (very large ranges) are
 * not supported → INVALID_OTHER_REASON.
 */
export async function checkReadSet(namespaces: readonly NamespaceRwSet[], committed: StateReader, overlay: BlockOverlay): Promise<Refusal | undefined> {
  for (const { namespace, rwset } of namespaces) {
    for (const read of rwset.getReadsList()) {
      const key = read.getKey();
      if (overlay.written(namespace, key)) return refuse(C.MVCC_READ_CONFLICT, `'${namespace}/${key}' was written earlier in this block`);
      const current = await committed.get(namespace, key);
      if (!sameVersion(read, current?.version)) return refuse(C.MVCC_READ_CONFLICT, `read version of '${namespace}/${key}' is stale`);
    }
    for (const info of rwset.getRangeQueriesInfoList()) {
      if (info.hasReadsMerkleHashes()) return refuse(C.INVALID_OTHER_REASON, `range query in '${namespace}' recorded as a Merkle summary is not supported`);
      if (!(await rangeMatches(namespace, info, overlay))) {
        return refuse(C.PHANTOM_READ_CONFLICT, `range ['${info.getStartKey()}', '${info.getEndKey()}') of '${namespace}' changed`);
      }
    }
  }
  return undefined;
}
