import { ledger, peer } from '@hyperledger/fabric-protos';
import { describe, expect, it } from 'vitest';
import { createTxSimulator } from '../simulation/create-tx-simulator.js';
import { decodeReadWriteSet } from '../simulation/read-write-set.js';
import { MemoryWorldState } from '../simulation/test-support/memory-world-state.js';
import { TransactionContext } from './transaction-context.js';

const T = peer.ChaincodeMessage.Type;
const NS = 'cc';

function setup(batch = 2) {
  const state = new MemoryWorldState();
  for (const k of ['k1', 'k2', 'k3', 'k4', 'k5']) state.put(NS, k, Buffer.from(`v-${k}`));
  const simulator = createTxSimulator('tx', state);
  return { state, simulator, context: new TransactionContext(NS, simulator, state, { maxResultsPerBatch: batch }) };
}

const keysOf = (bytes: Uint8Array) => {
  const response = peer.QueryResponse.deserializeBinary(bytes);
  return { response, keys: response.getResultsList().map((r) => ledger.queryresult.KV.deserializeBinary(r.getResultbytes_asU8()).getKey()) };
};

function rangeRequest(start: string, end: string, page?: { size: number; bookmark: string }): Uint8Array {
  const req = new peer.GetStateByRange();
  req.setStartkey(start);
  req.setEndkey(end);
  if (page) {
    const meta = new peer.QueryMetadata();
    meta.setPagesize(page.size);
    meta.setBookmark(page.bookmark);
    req.setMetadata(meta.serializeBinary());
  }
  return req.serializeBinary();
}

describe('TransactionContext (peer side of the chaincode protocol)', () => {
  it('serves a range in batches with has_more, then QUERY_STATE_NEXT until exhausted', async () => {
    const { context, simulator } = setup(2);
    const first = keysOf(await context.serve(T.GET_STATE_BY_RANGE, rangeRequest('k1', 'k9')));
    expect(first.keys).toEqual(['k1', 'k2']);
    expect(first.response.getHasMore()).toBe(true);
    const next = new peer.QueryStateNext();
    next.setId(first.response.getId());
    const second = keysOf(await context.serve(T.QUERY_STATE_NEXT, next.serializeBinary()));
    expect(second.keys).toEqual(['k3', 'k4']);
    const third = keysOf(await context.serve(T.QUERY_STATE_NEXT, next.serializeBinary()));
    expect(third.keys).toEqual(['k5']);
    expect(third.response.getHasMore()).toBe(false);
    await expect(context.serve(T.QUERY_STATE_NEXT, next.serializeBinary())).rejects.toThrow(/not found/);
    const range = decodeReadWriteSet(simulator.results()).namespaces[0]!.rangeQueries[0]!;
    expect(range).toMatchObject({ startKey: 'k1', endKey: 'k9', itrExhausted: true });
    expect(range.reads.map((r) => r.key)).toEqual(['k1', 'k2', 'k3', 'k4', 'k5']);
  });

  it('answers a page in one response with a bookmark to the next page, and flags paginated writes', async () => {
    const { context } = setup(100);
    const page1 = keysOf(await context.serve(T.GET_STATE_BY_RANGE, rangeRequest('k1', '', { size: 2, bookmark: '' })));
    expect(page1.keys).toEqual(['k1', 'k2']);
    const meta1 = peer.QueryResponseMetadata.deserializeBinary(page1.response.getMetadata_asU8());
    expect([meta1.getFetchedRecordsCount(), meta1.getBookmark()]).toEqual([2, 'k3']);
    const page3 = keysOf(await context.serve(T.GET_STATE_BY_RANGE, rangeRequest('k1', '', { size: 2, bookmark: 'k5' })));
    expect(page3.keys).toEqual(['k5']);
    expect(peer.QueryResponseMetadata.deserializeBinary(page3.response.getMetadata_asU8()).getBookmark()).toBe('');
    expect(context.paginatedWithWrites).toBe(false);
    const put = new peer.PutState();
    put.setKey('x');
    put.setValue(Buffer.from('y'));
    await context.serve(T.PUT_STATE, put.serializeBinary());
    expect(context.paginatedWithWrites).toBe(true);
  });

  it('serves history newest first and closes iterators on request', async () => {
    const { context, state } = setup();
    const sim = createTxSimulator('w', state);
    sim.putState(NS, 'k1', Buffer.from('second'));
    state.commit(sim.results(), 'tx-second', new Date('2026-03-01T00:00:00Z'));
    const req = new peer.GetHistoryForKey();
    req.setKey('k1');
    const response = peer.QueryResponse.deserializeBinary(await context.serve(T.GET_HISTORY_FOR_KEY, req.serializeBinary()));
    const mods = response.getResultsList().map((r) => ledger.queryresult.KeyModification.deserializeBinary(r.getResultbytes_asU8()));
    expect(mods.map((m) => m.getTxId())).toEqual(['tx-second']);
    expect(mods[0]!.getTimestamp()!.getSeconds()).toBe(Date.parse('2026-03-01T00:00:00Z') / 1000);
    const open = keysOf(await context.serve(T.GET_STATE_BY_RANGE, rangeRequest('k1', '')));
    const close = new peer.QueryStateClose();
    close.setId(open.response.getId());
    await context.serve(T.QUERY_STATE_CLOSE, close.serializeBinary());
    const next = new peer.QueryStateNext();
    next.setId(open.response.getId());
    await expect(context.serve(T.QUERY_STATE_NEXT, next.serializeBinary())).rejects.toThrow(/not found/);
  });

  it('refuses rich queries, private data and chaincode-to-chaincode calls with the reason', async () => {
    const { context } = setup();
    await expect(context.serve(T.GET_QUERY_RESULT, new Uint8Array())).rejects.toThrow(/not supported for leveldb/);
    const priv = new peer.GetState();
    priv.setKey('k1');
    priv.setCollection('secrets');
    await expect(context.serve(T.GET_STATE, priv.serializeBinary())).rejects.toThrow(/private data collection secrets/);
    await expect(context.serve(T.INVOKE_CHAINCODE, new Uint8Array())).rejects.toThrow(/chaincode-to-chaincode/);
    await expect(context.serve(T.PUT_STATE_METADATA, new peer.PutStateMetadata().serializeBinary())).rejects.toThrow(/without metadata/);
  });
});
