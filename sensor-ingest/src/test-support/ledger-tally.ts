import { createHash } from 'node:crypto';
import { carriedReadings, deliverBlockSource, measurementKey, parseEndorserTransaction, writesOf } from '@speedledger/analytics';
import { decodeDlr1 } from '@speedledger/lr-chaincode/core';

/** What the ledger's blocks say about one (meterId, seq). */
export interface LedgerTallyEntry {
  /** Transactions (valid or not) that carried the reading: more than 1 means it was sent again. */
  carried: number;
  /** Valid transactions whose write set recorded its measurement key: must be exactly 1. */
  recorded: number;
  /** rawSha256 of the bytes each recording transaction carried. */
  readonly recordedSha256: string[];
}

/** Transaction validation code "VALID" in the block's TRANSACTIONS_FILTER metadata. */
const VALID = 0;
const TRANSACTIONS_FILTER = 2;

/**
 * Reads the whole chain through a peer's Deliver service (as an auditor would) and counts, per
 * reading key `meterId@seq`, the transactions that carried it and the valid ones that recorded
 * it. The ingest tier's exactly-once promise is checked against this, not against its own Redis.
 */
export async function tallyLedger(connection: { connectionProfile: string; mspId: string; mspDir: string }, chaincode = 'lr-chaincode'): Promise<Map<string, LedgerTallyEntry>> {
  const source = await deliverBlockSource({ ...connection, idleMs: 3_000 });
  const tally = new Map<string, LedgerTallyEntry>();
  try {
    for await (const block of source.blocks(0)) {
      const filter = block.getMetadata()?.getMetadataList_asU8()[TRANSACTIONS_FILTER] ?? new Uint8Array();
      block.getData()?.getDataList_asU8().forEach((envelope, index) => {
        const tx = parseEndorserTransaction(envelope);
        if (tx === undefined || tx.chaincodeName !== chaincode) return;
        const writes = writesOf(tx.results).get(chaincode);
        for (const { bytes } of carriedReadings(tx)) {
          const decoded = decodeDlr1(bytes);
          if (!decoded.ok) continue;
          const key = `${decoded.reading.meterId}@${decoded.reading.seq}`;
          const entry = tally.get(key) ?? { carried: 0, recorded: 0, recordedSha256: [] };
          entry.carried += 1;
          const written = writes?.get(measurementKey(decoded.reading.meterId, decoded.reading.seq));
          if (filter[index] === VALID && written !== undefined && written !== null) {
            entry.recorded += 1;
            entry.recordedSha256.push(createHash('sha256').update(bytes).digest('hex'));
          }
          tally.set(key, entry);
        }
      });
    }
  } finally {
    await source.close();
  }
  return tally;
}

/** The ledger check of a set of receipted readings. */
export interface LedgerReconciliation {
  readonly receipted: number;
  readonly exactlyOnce: number;
  /** Receipted and not recorded by any valid transaction: lost. */
  readonly lost: string[];
  /** Recorded by more than one valid transaction. */
  readonly duplicated: string[];
  /** Recorded with other bytes than the receipt's. */
  readonly otherBytes: string[];
  /** Carried by more than one transaction (resent; harmless when recorded once, but counted). */
  readonly resent: number;
}

/** Checks every receipted reading against the ledger tally. Pure. */
export function reconcileWithLedger(receipted: Iterable<{ meterId: string; seq: string; rawSha256: string }>, tally: ReadonlyMap<string, LedgerTallyEntry>): LedgerReconciliation {
  const lost: string[] = [], duplicated: string[] = [], otherBytes: string[] = [];
  let count = 0, exactlyOnce = 0, resent = 0;
  for (const r of receipted) {
    count += 1;
    const key = `${r.meterId}@${r.seq}`;
    const entry = tally.get(key);
    if (entry && entry.carried > 1) resent += 1;
    if (!entry || entry.recorded === 0) lost.push(key);
    else if (entry.recorded > 1) duplicated.push(key);
    else if (entry.recordedSha256[0] !== r.rawSha256) otherBytes.push(key);
    else exactlyOnce += 1;
  }
  return { receipted: count, exactlyOnce, lost, duplicated, otherBytes, resent };
}
