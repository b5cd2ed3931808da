import '../endorser/test-support/quiet-logs.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateOrganization } from '@speedledger/orderer-bft';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage } from '../endorser/test-support/tar-builder.js';
import { buildSignedProposal } from '../endorser/signed-proposal.js';
import { signingIdentityFromPem, type SigningIdentity } from '../msp/index.js';
import { createTxSimulator } from '../simulation/create-tx-simulator.js';
import { MemoryWorldState } from '../simulation/test-support/memory-world-state.js';
import type { ChaincodeContainer } from './chaincode-container.js';
import type { ChaincodeResponse } from './chaincode-response.js';
import { installPackage } from './adapters/install-package.js';
import { loadChaincode } from './adapters/load-chaincode.js';
import { runtimePackages } from './shim-runtime.js';

/*
 * The direct container must be indistinguishable from the protocol container: the same contract
 * code, given the same proposal and state, gives the same response, event and read/write set
 * bytes — on success, on chaincode errors and on requests the peer refuses. The contract below
 * touches every stub request the peer serves.
 */
const CONTRACT = `
const { Contract } = require('fabric-contract-api');
class Probe extends Contract {
  constructor() { super('Probe'); }
  async Put(ctx, key, value) { await ctx.stub.putState(key, Buffer.from(value)); return 'put ' + key; }
  async Copy(ctx, from, to) {
    const v = await ctx.stub.getState(from);
    await ctx.stub.putState(to, v);
    await ctx.stub.deleteState(from);
    ctx.stub.setEvent('Copied', Buffer.from(from + '>' + to));
    return JSON.stringify({ tx: ctx.stub.getTxID(), at: ctx.stub.getDateTimestamp().toISOString(), by: ctx.clientIdentity.getMSPID(), id: ctx.clientIdentity.getID() });
  }
  async Range(ctx, start, end) {
    const out = [];
    for await (const kv of ctx.stub.getStateByRange(start, end)) out.push(kv.key + '=' + Buffer.from(kv.value).toString());
    return out.join(',');
  }
  async Page(ctx, size, bookmark) {
    const { iterator, metadata } = await ctx.stub.getStateByRangeWithPagination('', '', Number(size), bookmark);
    const keys = [];
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) keys.push(r.value.key);
    await iterator.close();
    return JSON.stringify({ keys, metadata });
  }
  async PageThenWrite(ctx) {
    await ctx.stub.getStateByRangeWithPagination('', '', 2, '');
    await ctx.stub.putState('z', Buffer.from('z'));
  }
  async History(ctx, key) {
    const out = [];
    const it = await ctx.stub.getHistoryForKey(key);
    for (let r = await it.next(); !r.done; r = await it.next()) out.push(r.value.txId + ':' + Buffer.from(r.value.value).toString() + ':' + r.value.isDelete);
    await it.close();
    return out.join(',');
  }
  async Meta(ctx, key) {
    await ctx.stub.setStateValidationParameter(key, Buffer.from('policy-' + key));
    const before = await ctx.stub.getStateValidationParameter(key);
    return before === undefined ? 'none' : Buffer.from(before).toString();
  }
  async Concurrent(ctx) {
    const values = await Promise.all(['a', 'b', 'c'].map((k) => ctx.stub.getState(k)));
    await Promise.all(values.map((v, i) => ctx.stub.putState('c' + i, v)));
    return values.map((v) => Buffer.from(v).toString()).join('');
  }
  async Fail(ctx, why) { await ctx.stub.getState('a'); throw new Error('refused: ' + why); }
  async Rich(ctx) { await ctx.stub.getQueryResult('{"selector":{}}'); }
  async Private(ctx) { await ctx.stub.getPrivateData('col', 'a'); }
  async Call(ctx) { await ctx.stub.invokeChaincode('other', ['x'], ''); }
}
module.exports.contracts = [Probe];
`;

const NS = 'probe';

describe('direct container: same contract code and results as the protocol container', () => {
  let work: string;
  let protocol: ChaincodeContainer;
  let direct: ChaincodeContainer;
  let client: SigningIdentity;
  let state: MemoryWorldState;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'peer-direct-'));
    const deps = Object.fromEntries(runtimePackages().map((p) => [p.name, p.version]));
    const bytes = buildPackage({ type: 'node', label: 'probe_1' }, [
      { name: 'src/index.js', data: Buffer.from(CONTRACT) },
      { name: 'src/package.json', data: Buffer.from(JSON.stringify({ name: 'probe', main: 'index.js', dependencies: deps })) },
    ]);
    const installed = installPackage(bytes, work);
    protocol = (await loadChaincode(installed.dir, { name: NS })).container;
    direct = (await loadChaincode(installed.dir, { name: NS, dispatch: 'direct' })).container;
    const org = await generateOrganization({ mspId: 'CityOperatorMSP', domain: 'city.example.com', now: new Date(Date.now() - 86_400_000) });
    const enrolled = await org.enrol('user1.city.example.com', { ou: 'client' });
    client = signingIdentityFromPem('CityOperatorMSP', enrolled.certPem, enrolled.privateKeyPem);
    state = new MemoryWorldState();
    for (const k of ['a', 'b', 'c', 'd', 'e']) state.put(NS, k, Buffer.from(`v-${k}`));
  }, 60_000);

  afterAll(() => {
    protocol?.close();
    direct?.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function both(args: string[]): Promise<{ protocol: ChaincodeResponse & { rwset: Buffer }; direct: ChaincodeResponse & { rwset: Buffer } }> {
    const built = buildSignedProposal({ signer: client, channelId: 'speedledger', chaincode: NS, args, timestamp: new Date('2026-03-01T08:00:00Z') });
    const run = async (container: ChaincodeContainer) => {
      const simulator = createTxSimulator(built.txId, state);
      const response = await container.execute({ channelId: 'speedledger', txId: built.txId, namespace: NS, signedProposal: built.signed.serializeBinary(), args: args.map((a) => Buffer.from(a)), simulator, history: state });
      await simulator.settle();
      return { ...response, payload: Buffer.from(response.payload), rwset: Buffer.from(simulator.results()) };
    };
    return { protocol: await run(protocol), direct: await run(direct) };
  }

  it('writes, reads, deletes, events, tx id, timestamp and client identity: identical responses and read/write sets', async () => {
    const put = await both(['Put', 'k', 'v']);
    expect(put.direct).toEqual(put.protocol);
    expect(put.direct).toMatchObject({ status: 200, payload: Buffer.from('put k') });
    const copy = await both(['Probe:Copy', 'a', 'x']);
    expect(copy.direct).toEqual(copy.protocol);
    expect(copy.direct.event).toEqual({ name: 'Copied', payload: expect.anything() });
    expect(Buffer.from(copy.direct.event!.payload).toString()).toBe('a>x');
    expect(JSON.parse(copy.direct.payload.toString())).toMatchObject({ at: '2026-03-01T08:00:00.000Z', by: 'CityOperatorMSP', id: expect.stringContaining('user1.city.example.com') });
    const concurrent = await both(['Concurrent']);
    expect(concurrent.direct).toEqual(concurrent.protocol);
    expect(concurrent.direct.payload.toString()).toBe('v-av-bv-c');
  });

  it('ranges (batched and paginated), history and key metadata: identical', async () => {
    const range = await both(['Range', 'b', 'e']);
    expect(range.direct).toEqual(range.protocol);
    expect(range.direct.payload.toString()).toBe('b=v-b,c=v-c,d=v-d');
    const page = await both(['Page', '2', 'b']);
    expect(page.direct).toEqual(page.protocol);
    expect(JSON.parse(page.direct.payload.toString())).toEqual({ keys: ['b', 'c'], metadata: { bookmark: 'd', fetchedRecordsCount: 2 } });
    const history = await both(['History', 'a']);
    expect(history.direct).toEqual(history.protocol);
    const meta = await both(['Meta', 'b']);
    expect(meta.direct).toEqual(meta.protocol);
    expect(meta.direct.rwset.includes(Buffer.from('policy-b'))).toBe(true);
  });

  it('failures: a contract error, an unknown function, refused requests, a paginated query in a writing transaction, a bad proposal', async () => {
    for (const args of [['Fail', 'no'], ['Nope'], ['Other:Put', 'k', 'v'], ['Rich'], ['Private'], ['Call'], ['PageThenWrite']]) {
      const r = await both(args);
      expect(r.direct, args.join(' ')).toEqual(r.protocol);
      expect(r.direct.status, args.join(' ')).toBeGreaterThanOrEqual(400);
    }
    expect((await both(['Fail', 'no'])).direct.message).toBe('refused: no');
    expect((await both(['Rich'])).direct.message).toContain('rich queries need CouchDB');
    expect((await both(['PageThenWrite'])).direct.message).toBe('paginated queries are supported only in a read-only transaction');
    const simulator = createTxSimulator('t', state);
    for (const container of [protocol, direct]) {
      await expect(container.execute({ channelId: 'speedledger', txId: 't', namespace: NS, signedProposal: Buffer.from('junk'), args: [Buffer.from('Put')], simulator, history: state }))
        .resolves.toMatchObject({ status: 500, message: 'signed proposal does not decode' });
    }
  });
});
