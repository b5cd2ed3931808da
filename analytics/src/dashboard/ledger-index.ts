import { common, ledger as ledgerProtos, peer as peerProtos } from '@hyperledger/fabric-protos';
import { ledger } from '@speedledger/peer';
import { parseEndorserTransaction } from '../audit/endorser-transaction.js';
import { carriedReadings } from '../audit/recorded-readings.js';
import type { SiteParameters } from '@speedledger/lr-chaincode/core';
import { observeBlock } from '../surveillance/block-observations.js';
import type { InvalidTransaction, ReadingObservation } from '../surveillance/observations.js';

const CODE_NAMES = Object.fromEntries(Object.entries(peerProtos.TxValidationCode).map(([k, v]) => [v, k])) as Record<number, string>;

/** One transaction as the dashboard shows it. */
export interface IndexedTransaction {
  readonly txId: string;
  readonly blockNumber: number;
  readonly index: number;
  readonly timeMs: number;
  readonly validationCode: string;
  readonly creatorMspId: string;
  readonly chaincode: string;
  readonly fn: string;
  readonly endorsers: readonly string[];
  readonly reads: readonly { namespace: string; key: string; version: string }[];
  readonly writes: readonly { namespace: string; key: string; value: string | null }[];
  /** Raw DLR1 readings the transaction carried. */
  readonly readings: readonly Uint8Array[];
}

/** One block's summary. */
export interface IndexedBlock {
  readonly number: number;
  readonly hash: string;
  readonly timeMs: number;
  readonly txIds: readonly string[];
}

/** A registered meter as the ledger's writes show it. */
export interface IndexedMeter {
  readonly meterId: string;
  readonly publicKeyHex: string;
  readonly status: string;
  readonly location: string;
  readonly speedLimitKmh: number;
  readonly site: SiteParameters;
}

const printable = (key: string): string => key.split('\u0000').join('\\0');

/**
 * Everything the dashboard shows, built from full blocks in order (pure: blocks in, views out).
 * Validation codes are the committing peers' (TRANSACTIONS_FILTER); the audit verifies them.
 */
export class LedgerIndex {
  readonly blocks: IndexedBlock[] = [];
  readonly transactions = new Map<string, IndexedTransaction>();
  readonly meters = new Map<string, IndexedMeter>();
  readonly observations: ReadingObservation[] = [];
  readonly invalid: InvalidTransaction[] = [];

  /** Indexes the next block. */
  add(block: common.Block): void {
    const number = block.getHeader()?.getNumber() ?? 0;
    const filter = ledger.transactionsFilterOf(block);
    const txIds: string[] = [];
    let blockTime = 0;
    (block.getData()?.getDataList_asU8() ?? []).forEach((envelope, index) => {
      const tx = parseEndorserTransaction(envelope);
      if (tx === undefined) return;
      const code = filter[index];
      const reads: IndexedTransaction['reads'][number][] = [];
      const writes: IndexedTransaction['writes'][number][] = [];
      try {
        for (const ns of ledgerProtos.rwset.TxReadWriteSet.deserializeBinary(tx.results).getNsRwsetList()) {
          const kv = ledgerProtos.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
          for (const r of kv.getReadsList()) reads.push({ namespace: ns.getNamespace(), key: printable(r.getKey()), version: r.getVersion() ? `${r.getVersion()!.getBlockNum()}:${r.getVersion()!.getTxNum()}` : 'absent' });
          for (const w of kv.getWritesList()) writes.push({ namespace: ns.getNamespace(), key: printable(w.getKey()), value: w.getIsDelete() ? null : Buffer.from(w.getValue_asU8()).toString('utf8') });
        }
      } catch {
        // a malformed rwset shows as none; validation marked the transaction
      }
      const fn = Buffer.from(tx.args[0] ?? new Uint8Array()).toString('utf8');
      this.transactions.set(tx.txId, {
        txId: tx.txId, blockNumber: number, index, timeMs: tx.timestamp.getTime(), validationCode: code === undefined ? 'UNKNOWN' : (CODE_NAMES[code] ?? String(code)),
        creatorMspId: tx.creatorMspId, chaincode: tx.chaincodeName, fn: fn.length > 60 ? `${fn.slice(0, 60)}…` : fn, endorsers: tx.endorserMspIds, reads, writes,
        readings: carriedReadings(tx).map((r) => r.bytes),
      });
      txIds.push(tx.txId);
      blockTime = Math.max(blockTime, tx.timestamp.getTime());
      if (code === peerProtos.TxValidationCode.VALID) {
        for (const w of writes) {
          if (w.value === null || !w.key.startsWith('\\0meter\\0')) continue;
          try {
            const m = JSON.parse(w.value) as { meterId: string; publicKeyHex: string; status: string; site: SiteParameters };
            this.meters.set(m.meterId, { meterId: m.meterId, publicKeyHex: m.publicKeyHex, status: m.status, location: m.site.location, speedLimitKmh: m.site.speedLimitKmh, site: m.site });
          } catch {
            // not a meter record
          }
        }
      }
    });
    const seen = observeBlock(block, 'lr-chaincode', (id) => this.meters.get(id)?.location);
    this.observations.push(...seen.observations);
    this.invalid.push(...seen.invalid);
    this.blocks.push({ number, hash: Buffer.from(ledger.headerHashOf(block.getHeader()!)).toString('hex'), timeMs: blockTime, txIds });
  }

  /** Transactions per organisation (creator MSP). */
  transactionsByOrganisation(): Map<string, number> {
    const out = new Map<string, number>();
    for (const tx of this.transactions.values()) out.set(tx.creatorMspId, (out.get(tx.creatorMspId) ?? 0) + 1);
    return out;
  }

  /** Blocks and transactions per minute over the last `minutes` minutes before `nowMs`. */
  perMinute(nowMs: number, minutes = 15): { minute: number; blocks: number; transactions: number }[] {
    const end = Math.floor(nowMs / 60_000);
    const rows = Array.from({ length: minutes }, (_, i) => ({ minute: end - minutes + 1 + i, blocks: 0, transactions: 0 }));
    for (const b of this.blocks) {
      const row = rows.find((r) => r.minute === Math.floor(b.timeMs / 60_000));
      if (row === undefined) continue;
      row.blocks += 1;
      row.transactions += b.txIds.length;
    }
    return rows;
  }
}
