import { common } from '@hyperledger/fabric-protos';
import { describe, expect, it } from 'vitest';
import { submitToOrderers, type BroadcastAnswer } from './bft-submit.js';

const ORDERERS = ['o0:7050', 'o1:7050', 'o2:7050', 'o3:7050'];
const success: BroadcastAnswer = { status: common.Status.SUCCESS, info: '' };
const busy: BroadcastAnswer = { status: common.Status.SERVICE_UNAVAILABLE, info: 'pool full' };
const bad: BroadcastAnswer = { status: common.Status.BAD_REQUEST, info: 'bad signature' };
const never = () => new Promise<BroadcastAnswer>(() => undefined);

describe('submitToOrderers (n = 4, f = 1)', () => {
  it('sends to every orderer and succeeds on f+1 acceptances without waiting for a hung one', async () => {
    const tried: string[] = [];
    const outcome = await submitToOrderers(ORDERERS, (address) => {
      tried.push(address);
      return address === 'o0:7050' ? never() : Promise.resolve(success);
    });
    expect(tried).toEqual(ORDERERS);
    expect(outcome).toMatchObject({ ok: true });
  });

  it('is unavailable when only f accept (a lone accepting orderer may be the faulty one)', async () => {
    const outcome = await submitToOrderers(ORDERERS, async (address) => {
      if (address === 'o1:7050') return success;
      if (address === 'o2:7050') return busy;
      throw new Error(`connect ECONNREFUSED ${address}`);
    });
    expect(outcome).toMatchObject({ ok: false, kind: 'unavailable' });
    expect(outcome.ok ? [] : outcome.details.map((d) => d.address).sort()).toEqual(['o0:7050', 'o2:7050', 'o3:7050']);
  });

  it('is refused once f+1 orderers answer 4xx', async () => {
    const outcome = await submitToOrderers(ORDERERS, (address) => (address === 'o3:7050' ? never() : Promise.resolve(bad)));
    expect(outcome).toMatchObject({ ok: false, kind: 'refused' });
  });

  it('is unavailable with no orderers at all', async () => {
    expect(await submitToOrderers([], () => Promise.resolve(success))).toMatchObject({ ok: false, kind: 'unavailable' });
  });
});
