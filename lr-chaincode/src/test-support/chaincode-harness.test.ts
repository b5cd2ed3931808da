import './quiet-logs.js';
import contractApi from 'fabric-contract-api';
import type { Context } from 'fabric-contract-api';
import { describe, expect, it } from 'vitest';
import { ChaincodeHarness } from './chaincode-harness.js';
import { testIdentities } from './test-network.js';

// A plain JavaScript-style contract (no decorators): the shim infers string parameters.
class Probe extends contractApi.Contract {
  constructor() {
    super('Probe');
  }
  async Put(ctx: Context, key: string, value: string): Promise<void> {
    await ctx.stub.putState(key, Buffer.from(value));
  }
  async Count(ctx: Context, start: string, end: string): Promise<string> {
    let n = 0;
    for await (const _kv of ctx.stub.getStateByRange(start, end)) n++;
    return String(n);
  }
  async PageThenWrite(ctx: Context): Promise<void> {
    const { iterator } = await ctx.stub.getStateByRangeWithPagination('', '', 2, '');
    await iterator.close();
    await ctx.stub.putState('x', Buffer.from('1'));
  }
  async Rich(ctx: Context): Promise<void> {
    await ctx.stub.getQueryResult('{"selector":{}}');
  }
  async Bump(ctx: Context, key: string): Promise<void> {
    const current = Number((await ctx.stub.getState(key)).toString() || '0');
    await ctx.stub.putState(key, Buffer.from(String(current + 1)));
  }
  async Who(ctx: Context): Promise<string> {
    return `${ctx.clientIdentity.getMSPID()}|${ctx.clientIdentity.getAttributeValue('speedledger.role')}|${ctx.clientIdentity.getID()}`;
  }
}

describe('ChaincodeHarness (in-memory peer behind the real shim)', () => {
  it('serves range scans larger than one batch through QUERY_STATE_NEXT', async () => {
    const harness = await ChaincodeHarness.start({ contracts: [Probe], maxResultsPerBatch: 3 });
    const ids = await testIdentities();
    for (let i = 0; i < 8; i++) expect((await harness.submit(ids.cityOperator, 'Probe:Put', [`k${i}`, 'v'])).commitError).toBeNull();
    expect((await harness.evaluate(ids.cityOperator, 'Probe:Count', ['k0', 'k7'])).payload.toString()).toBe('7');
    expect((await harness.evaluate(ids.cityOperator, 'Probe:Count', ['', ''])).payload.toString()).toBe('8');
  });

  it('refuses paginated queries in a writing transaction and rich queries (LevelDB)', async () => {
    const harness = await ChaincodeHarness.start({ contracts: [Probe] });
    const ids = await testIdentities();
    const paged = await harness.submit(ids.cityOperator, 'Probe:PageThenWrite');
    expect(paged.status).toBe(500);
    expect(paged.message).toMatch(/read-only/);
    expect(harness.ledger.keys()).toEqual([]);
    expect((await harness.evaluate(ids.cityOperator, 'Probe:Rich')).message).toMatch(/not supported for leveldb/);
  });

  it('refuses to commit a read/write set whose reads went stale (MVCC)', async () => {
    const harness = await ChaincodeHarness.start({ contracts: [Probe] });
    const ids = await testIdentities();
    const p1 = harness.proposal(ids.cityOperator, 'Probe:Bump', ['n']);
    const p2 = harness.proposal(ids.cityOperator, 'Probe:Bump', ['n']);
    const [r1, r2] = [await harness.execute(p1), await harness.execute(p2)];
    expect(r1.rwset.reads).toEqual([{ key: 'n', version: null }]);
    expect(harness.ledger.commit(r1.txId, p1.timestamp, r1.rwset)).toBeNull();
    expect(harness.ledger.commit(r2.txId, p2.timestamp, r2.rwset)).toMatch(/^MVCC_READ_CONFLICT/);
    expect(harness.ledger.get('n')!.value.toString()).toBe('1');
    expect(harness.ledger.history('n').map((m) => m.txId)).toEqual([r1.txId]);
  });

  it('gives the contract the proposal creator as client identity', async () => {
    const harness = await ChaincodeHarness.start({ contracts: [Probe] });
    const ids = await testIdentities();
    const [msp, role, id] = (await harness.evaluate(ids.inmetroRegistrar, 'Probe:Who')).payload.toString().split('|');
    expect(msp).toBe('InmetroMSP');
    expect(role).toBe('registrar');
    expect(id).toMatch(/^x509::\/CN=registrar1\/OU=client\/O=InmetroMSP::\/CN=ca\.inmetromsp\/O=InmetroMSP$/);
  });
});
