import type { common } from '@hyperledger/fabric-protos';
import type { BlockValidation } from '../../validation/block-validation.js';
import type { PeerLedger } from '../adapters/peer-ledger.js';
import { configBlockValidation } from '../stored-block-validation.js';
import { configEnvelope, endorserEnvelope, makeBlock, validationWithCodes, type TestTx } from './ledger-blocks.js';

/** A small seeded PRNG (mulberry32): workloads are reproducible from their seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const NAMESPACES = ['lr-chaincode', '_lifecycle'] as const;
/** Simple and composite (U+0000-led) keys, some sharing prefixes. */
export const KEYS = ['a', 'a\u0000x', 'b', 'meter~1', '\u0000meter\u00001\u0000', '\u0000meter\u00002\u0000', 'zz'] as const;

/**
 * Deterministic blocks of random writes, deletes, metadata writes and events, with about one
 * transaction in five invalid (code 11 = MVCC_READ_CONFLICT) and some duplicate tx ids.
 */
export function* workloadBlocks(seed: number, count: number): Generator<{ block: common.Block; validation: BlockValidation }> {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const genesis = makeBlock(0, undefined, [configEnvelope()]);
  yield { block: genesis, validation: configBlockValidation(genesis) };
  let previous = genesis;
  for (let n = 1; n < count; n += 1) {
    const txs: TestTx[] = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, i) => ({
      txId: random() < 0.05 && n > 1 ? `tx-${n - 1}-0` : `tx-${n}-${i}`,
      writes: Array.from({ length: Math.floor(random() * 4) }, () => ({
        ns: pick(NAMESPACES), key: pick(KEYS), value: random() < 0.2 ? null : `v${n}.${i}.${Math.floor(random() * 1000)}`,
      })),
      ...(random() < 0.3 ? { metadata: [{ ns: pick(NAMESPACES), key: pick(KEYS), entries: { VALIDATION_PARAMETER: `p${n}` } }] } : {}),
      ...(random() < 0.3 ? { event: { chaincodeId: 'lr-chaincode', name: 'Reading', payload: `e${n}.${i}` } } : {}),
      time: new Date(1_700_000_000_000 + n * 1000 + i),
    }));
    const block = makeBlock(n, previous, txs.map(endorserEnvelope));
    yield { block, validation: validationWithCodes(block, txs.map(() => (random() < 0.2 ? 11 : 0))) };
    previous = block;
  }
}

/** Everything a ledger's readers show for the workload's keys, as comparable JSON. */
export async function snapshot(ledger: PeerLedger, txIds: readonly string[]): Promise<unknown> {
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  const out: Record<string, unknown> = { height: ledger.height(), last: hex(ledger.lastBlockHash() ?? new Uint8Array()) };
  for (const ns of NAMESPACES) {
    const entries = [];
    for await (const e of ledger.state.range(ns, '', '')) {
      entries.push([e.key, hex(e.value), e.version, [...e.metadata].map(([k, v]) => [k, hex(v)])]);
    }
    out[`state:${ns}`] = entries;
    for (const key of KEYS) {
      const history = [];
      for await (const h of ledger.history.history(ns, key)) history.push({ ...h, value: hex(h.value), timestamp: h.timestamp.getTime() });
      out[`history:${ns}:${key}`] = history;
    }
  }
  out.txs = await Promise.all(txIds.map((id) => ledger.txValidation(id)));
  const events = [];
  for await (const e of ledger.chaincodeEvents('lr-chaincode', 0)) events.push({ ...e, payload: hex(e.payload) });
  out.events = events;
  return out;
}
