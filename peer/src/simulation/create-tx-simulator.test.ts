import { ledger } from '@hyperledger/fabric-protos';
import { describe, expect, it } from 'vitest';
import { createTxSimulator } from './create-tx-simulator.js';
import { decodeReadWriteSet } from './read-write-set.js';
import { SimulationError } from './simulation-error.js';
import { MemoryWorldState } from './test-support/memory-world-state.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : new TextDecoder().decode(b));

function world(): MemoryWorldState {
  const state = new MemoryWorldState();
  state.put('cc', 'b', bytes('B'));
  state.put('cc', 'a', bytes('A'), new Map([['VALIDATION_PARAMETER', bytes('vp')], ['other', bytes('o')]]));
  state.put('cc', 'c', bytes('C'));
  state.put('cc', '\u0000idx\u0000x\u0000', bytes('composite'));
  state.put('zz', 'k', bytes('Z'));
  return state;
}

/** One fixed sequence of calls, written in `order` to show that call order does not matter. */
async function scenario(state: MemoryWorldState, order: 'forward' | 'backward') {
  const sim = createTxSimulator('tx1', state);
  const steps = [
    async () => void (await sim.getState('zz', 'k')),
    async () => void (await sim.getState('cc', 'missing')),
    async () => void (await sim.getState('cc', 'b')),
    async () => sim.putState('cc', 'y', bytes('Y')),
    async () => sim.putState('cc', 'x', bytes('X')),
    async () => sim.deleteState('cc', 'c'),
  ];
  for (const step of order === 'forward' ? steps : [...steps].reverse()) await step();
  await sim.settle();
  return sim.results();
}

describe('createTxSimulator', () => {
  it('records versioned reads (none for absent keys), writes and deletes, sorted, in namespace order', async () => {
    const state = world();
    const set = decodeReadWriteSet(await scenario(state, 'forward'));
    expect(set.namespaces.map((n) => n.namespace)).toEqual(['cc', 'zz']);
    const cc = set.namespaces[0]!;
    const bVersion = (await state.get('cc', 'b'))!.version;
    expect(cc.reads).toEqual([{ key: 'b', version: bVersion }, { key: 'missing', version: undefined }]);
    expect(cc.writes.map((w) => [w.key, w.isDelete, text(w.value)])).toEqual([
      ['c', true, ''],
      ['x', false, 'X'],
      ['y', false, 'Y'],
    ]);
    expect(set.namespaces[1]!.reads).toEqual([{ key: 'k', version: (await state.get('zz', 'k'))!.version }]);
  });

  it('gives byte-identical results for the same state and calls, whatever their order', async () => {
    const state = world();
    const a = await scenario(state, 'forward');
    const b = await scenario(state, 'backward');
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    // And the bytes are a genuine Fabric TxReadWriteSet.
    const tx = ledger.rwset.TxReadWriteSet.deserializeBinary(a);
    expect(tx.getDataModel()).toBe(ledger.rwset.TxReadWriteSet.DataModel.KV);
  });

  it('does not show its own writes to later reads (Fabric semantics)', async () => {
    const sim = createTxSimulator('tx', world());
    sim.putState('cc', 'b', bytes('new'));
    expect(text(await sim.getState('cc', 'b'))).toBe('B');
  });

  it('treats an empty value as a delete', async () => {
    const sim = createTxSimulator('tx', world());
    sim.putState('cc', 'b', new Uint8Array());
    expect(decodeReadWriteSet(sim.results()).namespaces[0]!.writes).toEqual([{ key: 'b', isDelete: true, value: new Uint8Array() }]);
  });

  it('writes all entries of the resulting metadata, committed ones included, without recording a read', async () => {
    const sim = createTxSimulator('tx', world());
    sim.setStateMetadata('cc', 'a', 'VALIDATION_PARAMETER', bytes('new-vp'));
    expect(() => sim.results()).toThrow(SimulationError);
    await sim.settle();
    const cc = decodeReadWriteSet(sim.results()).namespaces[0]!;
    expect(cc.reads).toEqual([]);
    expect(cc.metadataWrites.map((m) => ({ key: m.key, entries: m.entries.map((e) => [e.name, text(e.value)]) }))).toEqual([
      { key: 'a', entries: [['VALIDATION_PARAMETER', 'new-vp'], ['other', 'o']] },
    ]);
  });

  it('records key metadata reads as reads', async () => {
    const state = world();
    const sim = createTxSimulator('tx', state);
    const meta = await sim.getStateMetadata('cc', 'a');
    expect(text(meta.get('other'))).toBe('o');
    expect(decodeReadWriteSet(sim.results()).namespaces[0]!.reads).toEqual([{ key: 'a', version: (await state.get('cc', 'a'))!.version }]);
  });

  it('records range scans with raw reads: exhausted scans keep the requested end, stopped ones end at the last key read', async () => {
    const state = world();
    const sim = createTxSimulator('tx', state);
    const all: string[] = [];
    for await (const entry of sim.rangeScan('cc', 'a', 'z')) all.push(entry.key);
    for await (const entry of sim.rangeScan('cc', 'a', '')) {
      expect(entry.key).toBe('a');
      break;
    }
    expect(all).toEqual(['a', 'b', 'c']);
    const cc = decodeReadWriteSet(sim.results()).namespaces[0]!;
    expect(cc.reads).toEqual([]);
    expect(cc.rangeQueries).toEqual([
      {
        startKey: 'a',
        endKey: 'z',
        itrExhausted: true,
        reads: await Promise.all(['a', 'b', 'c'].map(async (key) => ({ key, version: (await state.get('cc', key))!.version }))),
      },
      { startKey: 'a', endKey: 'a', itrExhausted: false, reads: [{ key: 'a', version: (await state.get('cc', 'a'))!.version }] },
    ]);
  });

  it('orders keys by UTF-8 bytes, not UTF-16 units', async () => {
    const sim = createTxSimulator('tx', world());
    sim.putState('cc', '\u{1F600}', bytes('1'));
    sim.putState('cc', '\uFFFD', bytes('2'));
    expect(decodeReadWriteSet(sim.results()).namespaces[0]!.writes.map((w) => w.key)).toEqual(['\uFFFD', '\u{1F600}']);
  });

  it('refuses empty keys and any use after results()', async () => {
    const sim = createTxSimulator('tx', world());
    expect(() => sim.putState('cc', '', bytes('x'))).toThrow(expect.objectContaining({ code: 'EMPTY_KEY' }));
    expect(() => sim.deleteState('cc', '')).toThrow(expect.objectContaining({ code: 'EMPTY_KEY' }));
    sim.results();
    expect(() => sim.putState('cc', 'k', bytes('x'))).toThrow(expect.objectContaining({ code: 'SIMULATION_ENDED' }));
    await expect(sim.getState('cc', 'a')).rejects.toMatchObject({ code: 'SIMULATION_ENDED' });
    expect(() => sim.results()).toThrow(expect.objectContaining({ code: 'SIMULATION_ENDED' }));
  });

  it('reports undecodable rwset bytes as MALFORMED_RWSET', () => {
    expect(() => decodeReadWriteSet(Uint8Array.from([0xff, 0xff, 0xff]))).toThrow(expect.objectContaining({ code: 'MALFORMED_RWSET' }));
  });
});
