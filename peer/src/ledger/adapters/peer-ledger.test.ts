import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { common } from '@hyperledger/fabric-protos';
import { ClassicLevel } from 'classic-level';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { headerHashOf } from '../block-header-hash.js';
import { LedgerError } from '../ledger-error.js';
import { KEY_PREFIX, kindRange, REBUILD_KEY } from '../ledger-keys.js';
import { configBlockValidation, transactionsFilterOf } from '../stored-block-validation.js';
import { configEnvelope, endorserEnvelope, makeBlock, validationWithCodes, type TestTx } from '../test-support/ledger-blocks.js';
import { KEYS, NAMESPACES, snapshot, workloadBlocks } from '../test-support/workload.js';
import { PeerLedger } from './peer-ledger.js';

const CHANNEL = 'speedledger';
const text = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : new TextDecoder().decode(b));

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<LedgerError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(LedgerError);
  return error as LedgerError;
}

describe('PeerLedger', () => {
  let dir: string;
  let ledger: PeerLedger;
  let genesis: common.Block;

  /** Commits a block of `txs` after `previous` with the given codes (all VALID by default). */
  async function commitTxs(previous: common.Block, txs: readonly TestTx[], codes?: readonly number[]): Promise<common.Block> {
    const built = makeBlock(Number(previous.getHeader()!.getNumber()) + 1, previous, txs.map(endorserEnvelope));
    // As received from an orderer: deserialised, not constructed.
    const block = common.Block.deserializeBinary(built.serializeBinary());
    await ledger.commit(block, validationWithCodes(block, codes ?? txs.map(() => 0)));
    return block;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'peer-ledger-'));
    ledger = await PeerLedger.open(dir, { channelId: CHANNEL });
    genesis = makeBlock(0, undefined, [configEnvelope()]);
    await ledger.commit(genesis, configBlockValidation(genesis));
  });

  afterEach(async () => {
    await ledger.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores blocks with the filter in metadata index 2, applies only VALID writes, and keeps all of it across reopen', async () => {
    const block1 = await commitTxs(genesis, [
      { txId: 't1', writes: [{ ns: 'cc', key: 'k1', value: 'one' }, { ns: 'cc', key: 'k2', value: 'two' }] },
      { txId: 't2', writes: [{ ns: 'cc', key: 'k3', value: 'never' }] },
      { txId: 't3', writes: [{ ns: 'cc', key: 'k1', value: 'uno' }] },
    ], [0, 11, 0]);
    await ledger.close();
    ledger = await PeerLedger.open(dir, { channelId: CHANNEL });

    expect(ledger.height()).toBe(2);
    expect(Buffer.from(ledger.lastBlockHash()!)).toEqual(Buffer.from(headerHashOf(block1.getHeader()!)));
    const stored = (await ledger.blockByNumber(1))!;
    expect([...transactionsFilterOf(stored)]).toEqual([0, 11, 0]);
    expect(Buffer.from(stored.getHeader()!.serializeBinary())).toEqual(Buffer.from(block1.getHeader()!.serializeBinary()));
    expect([...transactionsFilterOf((await ledger.blockByNumber(0))!)]).toEqual([0]);
    expect(await ledger.blockByNumber(2)).toBeUndefined();

    const k1 = await ledger.state.get('cc', 'k1');
    expect(text(k1?.value)).toBe('uno');
    expect(k1?.version).toEqual({ blockNum: 1, txNum: 2 });
    expect((await ledger.state.get('cc', 'k2'))?.version).toEqual({ blockNum: 1, txNum: 0 });
    expect(await ledger.state.get('cc', 'k3')).toBeUndefined();
    expect(await ledger.txValidation('t2')).toEqual({ blockNum: 1, txNum: 1, code: 11 });
    expect(await ledger.txValidation('t3')).toEqual({ blockNum: 1, txNum: 2, code: 0 });
    expect(await ledger.txValidation('nope')).toBeUndefined();
    expect(Number((await ledger.blockByTxId('t2'))?.getHeader()?.getNumber())).toBe(1);
  });

  it('refuses a gap, a repeated block and a wrong previous hash, changing nothing', async () => {
    const block1 = makeBlock(1, genesis, [endorserEnvelope({ txId: 'x', writes: [{ ns: 'cc', key: 'k', value: 'v' }] })]);
    const gap = makeBlock(2, block1, [endorserEnvelope({ txId: 'y' })]);
    expect((await rejection(ledger.commit(gap, validationWithCodes(gap, [0])))).code).toBe('LEDGER_BLOCK_OUT_OF_ORDER');
    expect((await rejection(ledger.commit(genesis, configBlockValidation(genesis)))).code).toBe('LEDGER_BLOCK_OUT_OF_ORDER');
    const forked = makeBlock(1, makeBlock(0, undefined, [configEnvelope('other')]), [endorserEnvelope({ txId: 'x' })]);
    expect((await rejection(ledger.commit(forked, validationWithCodes(forked, [0])))).code).toBe('LEDGER_BAD_PREVIOUS_HASH');
    expect(ledger.height()).toBe(1);
    expect(await ledger.state.get('cc', 'k')).toBeUndefined();
    // The refused commits did not wedge the commit queue.
    await ledger.commit(block1, validationWithCodes(block1, [0]));
    expect(ledger.height()).toBe(2);
  });

  it('refuses a validation that does not describe the block', async () => {
    const block = makeBlock(1, genesis, [endorserEnvelope({ txId: 'a' }), endorserEnvelope({ txId: 'b' })]);
    const good = validationWithCodes(block, [0, 0]);
    const cases = [
      { ...good, blockNumber: 7 },
      { ...good, transactions: good.transactions.slice(1) },
      { ...good, transactionsFilter: Uint8Array.of(0) },
      { ...good, transactionsFilter: Uint8Array.of(0, 11) },
    ];
    for (const validation of cases) expect((await rejection(ledger.commit(block, validation))).code).toBe('LEDGER_VALIDATION_MISMATCH');
    const headless = new common.Block();
    expect((await rejection(ledger.commit(headless, good))).code).toBe('LEDGER_MALFORMED_BLOCK');
    expect(ledger.height()).toBe(1);
  });

  it('ranges in byte order: composite keys (U+0000 first) before simple keys, end exclusive, namespaces apart', async () => {
    const keys = ['b', 'a', '\u0000type\u0000b\u0000', '\u0000type\u0000a\u0000', 'a\u0000z', 'ab', 'é'];
    await commitTxs(genesis, [{ txId: 't', writes: [...keys.map((key) => ({ ns: 'cc', key, value: key })), { ns: 'cc2', key: 'a', value: 'x' }, { ns: 'c', key: 'q', value: 'x' }] }]);
    const all = (await collect(ledger.state.range('cc', '', ''))).map((e) => e.key);
    expect(all).toEqual([...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
    expect(all.slice(0, 2)).toEqual(['\u0000type\u0000a\u0000', '\u0000type\u0000b\u0000']);
    expect((await collect(ledger.state.range('cc', 'a', 'b'))).map((e) => e.key)).toEqual(['a', 'a\u0000z', 'ab']);
    expect((await collect(ledger.state.range('cc', '\u0000type\u0000', '\u0000type\u0001'))).map((e) => e.key))
      .toEqual(['\u0000type\u0000a\u0000', '\u0000type\u0000b\u0000']);
    expect((await collect(ledger.state.range('cc2', '', ''))).map((e) => e.key)).toEqual(['a']);
  });

  it('keeps history newest first with deletes, apart from keys that merely share a prefix', async () => {
    let previous = await commitTxs(genesis, [{ txId: 'h1', writes: [{ ns: 'cc', key: 'k', value: 'v1' }, { ns: 'cc', key: 'k\u0000sub', value: 's' }] }]);
    previous = await commitTxs(previous, [{ txId: 'h2', writes: [{ ns: 'cc', key: 'k', value: null }] }, { txId: 'h3', writes: [{ ns: 'cc', key: 'k', value: 'v3' }] }]);
    await commitTxs(previous, [{ txId: 'h4', writes: [{ ns: 'cc', key: 'k', value: 'lost' }] }], [11]);
    const history = await collect(ledger.history.history('cc', 'k'));
    expect(history.map((h) => [h.txId, h.blockNum, h.txNum, h.isDelete, text(h.value)])).toEqual([
      ['h3', 2, 1, false, 'v3'], ['h2', 2, 0, true, ''], ['h1', 1, 0, false, 'v1'],
    ]);
    expect(history[0]!.timestamp.getTime()).toBe(1_700_000_000_000);
  });

  it('applies metadata as Fabric does: kept by a value write, replaced by a metadata write, gone with a delete', async () => {
    let previous = await commitTxs(genesis, [{ txId: 'm1', writes: [{ ns: 'cc', key: 'k', value: 'v1' }], metadata: [{ ns: 'cc', key: 'k', entries: { VALIDATION_PARAMETER: 'p1' } }] }]);
    previous = await commitTxs(previous, [{ txId: 'm2', writes: [{ ns: 'cc', key: 'k', value: 'v2' }] }, { txId: 'm3', metadata: [{ ns: 'cc', key: 'absent', entries: { X: 'y' } }] }]);
    let k = await ledger.state.get('cc', 'k');
    expect([text(k?.value), text(k?.metadata.get('VALIDATION_PARAMETER'))]).toEqual(['v2', 'p1']);
    expect(await ledger.state.get('cc', 'absent')).toBeUndefined();
    previous = await commitTxs(previous, [{ txId: 'm4', metadata: [{ ns: 'cc', key: 'k', entries: { OTHER: 'o' } }] }]);
    k = await ledger.state.get('cc', 'k');
    expect([text(k?.value), [...k!.metadata.keys()], k?.version]).toEqual(['v2', ['OTHER'], { blockNum: 3, txNum: 0 }]);
    await commitTxs(previous, [{ txId: 'm5', writes: [{ ns: 'cc', key: 'k', value: null }] }, { txId: 'm6', writes: [{ ns: 'cc', key: 'k', value: 'again' }] }]);
    k = await ledger.state.get('cc', 'k');
    expect([text(k?.value), k?.metadata.size]).toEqual(['again', 0]);
  });

  it('indexes a duplicate transaction id by its first occurrence', async () => {
    const previous = await commitTxs(genesis, [{ txId: 'dup', writes: [{ ns: 'cc', key: 'k', value: 'first' }] }, { txId: 'dup' }], [0, 9]);
    await commitTxs(previous, [{ txId: 'dup' }], [9]);
    expect(await ledger.txValidation('dup')).toEqual({ blockNum: 1, txNum: 0, code: 0 });
  });

  it('serves committed chaincode events from a block on, and notifies listeners after commit until unsubscribed', async () => {
    const seen: number[] = [];
    const unsubscribe = ledger.onCommit(({ block, validation }) => {
      expect(transactionsFilterOf(block)).toEqual(validation.transactionsFilter);
      seen.push(Number(block.getHeader()!.getNumber()));
    });
    ledger.onCommit(() => {
      throw new Error('a broken listener');
    });
    const event = (payload: string): TestTx['event'] => ({ chaincodeId: 'lr', name: 'Reading', payload });
    let previous = await commitTxs(genesis, [{ txId: 'e1', event: event('p1') }, { txId: 'e2', event: event('p2') }], [0, 11]);
    previous = await commitTxs(previous, [{ txId: 'e3', event: event('p3') }, { txId: 'e4', event: { chaincodeId: 'other', name: 'X', payload: 'q' } }]);
    unsubscribe();
    await commitTxs(previous, [{ txId: 'e5', event: event('p5') }]);
    expect(seen).toEqual([1, 2]);
    const events = await collect(ledger.chaincodeEvents('lr', 0));
    expect(events.map((e) => [e.blockNum, e.txNum, e.txId, e.eventName, text(e.payload)])).toEqual([
      [1, 0, 'e1', 'Reading', 'p1'], [2, 0, 'e3', 'Reading', 'p3'], [3, 0, 'e5', 'Reading', 'p5'],
    ]);
    expect((await collect(ledger.chaincodeEvents('lr', 2))).map((e) => e.txId)).toEqual(['e3', 'e5']);
  });

  it('refuses to open for another channel, and to serve once closed', async () => {
    await ledger.close();
    expect((await rejection(PeerLedger.open(dir, { channelId: 'other' }))).code).toBe('LEDGER_WRONG_CHANNEL');
    const closed = await PeerLedger.open(dir, { channelId: CHANNEL });
    await closed.close();
    expect((await rejection(closed.blockByNumber(0))).code).toBe('LEDGER_CLOSED');
    ledger = await PeerLedger.open(dir, { channelId: CHANNEL });
  });
});

describe('PeerLedger.rebuildState', () => {
  it('rebuilds state, history, tx index and events equal to the committed ones from the stored blocks alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'peer-ledger-rebuild-'));
    const ledger = await PeerLedger.open(dir, { channelId: CHANNEL });
    const txIds: string[] = [];
    try {
      for (const { block, validation } of workloadBlocks(42, 40)) {
        txIds.push(...validation.transactions.map((t) => t.txId));
        await ledger.commit(block, validation);
      }
      const before = await snapshot(ledger, txIds);
      expect(JSON.stringify(before)).toContain('VALIDATION_PARAMETER');
      await ledger.rebuildState();
      expect(await snapshot(ledger, txIds)).toEqual(before);
    } finally {
      await ledger.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('PeerLedger after an interrupted state rebuild', () => {
  it('finishes the rebuild on open: a half-dropped state comes back equal', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'peer-ledger-resume-'));
    const txIds: string[] = [];
    let ledger = await PeerLedger.open(dir, { channelId: CHANNEL });
    try {
      for (const { block, validation } of workloadBlocks(9, 25)) {
        txIds.push(...validation.transactions.map((t) => t.txId));
        await ledger.commit(block, validation);
      }
      const before = await snapshot(ledger, txIds);
      await ledger.close();
      // What a crash in the middle of rebuildState leaves: the marker set, state partly dropped.
      const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
      await db.put(REBUILD_KEY, new Uint8Array());
      await db.clear(kindRange(KEY_PREFIX.state));
      await db.close();
      ledger = await PeerLedger.open(dir, { channelId: CHANNEL });
      expect(await snapshot(ledger, txIds)).toEqual(before);
    } finally {
      await ledger.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('PeerLedger state cache', () => {
  it('serves point reads and tx-index records equal to an uncached ledger at every height, reads racing the commits included', async () => {
    const dirs = await Promise.all([0, 3, 65_536].map((keys) => mkdtemp(join(tmpdir(), `peer-ledger-cache-${keys}-`))));
    const ledgers = await Promise.all([0, 3, 65_536].map((cacheEntries, i) => PeerLedger.open(dirs[i]!, { channelId: CHANNEL, cacheEntries })));
    const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
    // Tx ids of this workload, and a few never committed (so absent ids get cached, then committed).
    const txIds = [...workloadBlocks(7, 40)].flatMap(({ validation }) => validation.transactions.map((t) => t.txId));
    const pointReads = async (ledger: PeerLedger): Promise<unknown[]> => [
      ...(await Promise.all(NAMESPACES.flatMap((ns) => KEYS.map(async (key) => {
        const v = await ledger.state.get(ns, key);
        return v === undefined ? null : [hex(v.value), v.version, [...v.metadata].map(([k, m]) => [k, hex(m)])];
      })))),
      ...(await Promise.all(txIds.map(async (txId) => (await ledger.txValidation(txId)) ?? null))),
    ];
    try {
      let compared = 0;
      let indexed = 0;
      for (const { block, validation } of workloadBlocks(7, 40)) {
        // Reads in flight while the block commits may see either height; afterwards all must see this one.
        const racing = ledgers.map((ledger) => pointReads(ledger));
        await Promise.all(ledgers.map((ledger) => ledger.commit(block, validation)));
        await Promise.all(racing);
        const [uncached, ...cached] = await Promise.all(ledgers.map(pointReads));
        for (const reads of cached) expect(reads).toEqual(uncached);
        compared += uncached!.slice(0, NAMESPACES.length * KEYS.length).filter((r) => r !== null).length;
        indexed = uncached!.slice(NAMESPACES.length * KEYS.length).filter((r) => r !== null).length;
      }
      // The workload really wrote keys (the comparison is not between empty states).
      expect(compared).toBeGreaterThan(100);
      expect(indexed).toBeGreaterThan(50);
    } finally {
      await Promise.all(ledgers.map((ledger) => ledger.close()));
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    }
  });
});
