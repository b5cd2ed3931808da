import type { ChaincodeEventsRequest, ChaincodeEventStream, LedgerChaincodeEvent } from '@speedledger/ledger-client';
import { describe, expect, it } from 'vitest';
import type { RegistryEvent } from '../ledger/reading-ledger.js';
import { followRegistryEvents, registryEventOf } from './registry-event-follower.js';

const ev = (block: number, eventName: string, body: unknown): LedgerChaincodeEvent => ({
  blockNumber: BigInt(block), transactionId: `tx${block}`, chaincode: 'lr-chaincode', eventName, payload: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});

/** A scripted event source: each opened stream replays its script, then fails or stays open. */
function scriptedSource(scripts: { events: LedgerChaincodeEvent[]; then: 'fail' | 'wait' }[]) {
  const requests: ChaincodeEventsRequest[] = [];
  const source = {
    async chaincodeEvents(request: ChaincodeEventsRequest = {}): Promise<ChaincodeEventStream> {
      requests.push(request);
      const script = scripts.shift() ?? { events: [], then: 'wait' as const };
      let closed = false;
      let release: () => void = () => undefined;
      return {
        close() {
          closed = true;
          release();
        },
        async *[Symbol.asyncIterator]() {
          for (const e of script.events) {
            if (closed) return;
            yield e;
          }
          if (script.then === 'fail') throw Object.assign(new Error('peer gone'), { code: 'UNAVAILABLE' });
          await new Promise<void>((resolve) => (release = resolve));
        },
      };
    },
  };
  return { source, requests };
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
};

describe('registryEventOf', () => {
  it('takes MeterRegistered / MeterRevoked with a meterId and ignores everything else', () => {
    expect(registryEventOf(ev(1, 'MeterRevoked', { meterId: 'SP-1', reason: 'x', by: {} }))).toEqual({ name: 'MeterRevoked', meterId: 'SP-1' });
    expect(registryEventOf(ev(1, 'MeterRegistered', { meterId: 'SP-2' }))).toEqual({ name: 'MeterRegistered', meterId: 'SP-2' });
    expect(registryEventOf(ev(1, 'ReadingsSubmitted', { meterId: 'SP-1' }))).toBeUndefined();
    expect(registryEventOf(ev(1, 'MeterRevoked', 'not json'))).toBeUndefined();
    expect(registryEventOf(ev(1, 'MeterRevoked', { meterId: '' }))).toBeUndefined();
  });
});

describe('followRegistryEvents', () => {
  it('applies registry events, and after a lost stream resumes from the block of the last event seen', async () => {
    const { source, requests } = scriptedSource([
      { events: [ev(5, 'MeterRegistered', { meterId: 'SP-1' }), ev(7, 'ReadingsSubmitted', { txId: 'x' })], then: 'fail' },
      { events: [ev(7, 'ReadingsSubmitted', { txId: 'x' }), ev(8, 'MeterRevoked', { meterId: 'SP-1' })], then: 'wait' },
    ]);
    const seen: RegistryEvent[] = [];
    const errors: unknown[] = [];
    let resyncs = 0;
    const subscription = await followRegistryEvents(source, { retryMs: 1 }).subscribe((e) => seen.push(e), (e) => errors.push(e), () => (resyncs += 1));
    await until(() => seen.length === 2);
    expect(seen).toEqual([{ name: 'MeterRegistered', meterId: 'SP-1' }, { name: 'MeterRevoked', meterId: 'SP-1' }]);
    expect(requests).toEqual([{}, { startBlock: 7n }]);
    expect(errors).toHaveLength(1);
    expect(resyncs).toBe(0);
    subscription.close();
  });

  it('reconnected before any event, the position is unknown: asks for a resync; failed reopen attempts are retried', async () => {
    const { source, requests } = scriptedSource([{ events: [], then: 'fail' }]);
    let opens = 0;
    const flaky = {
      async chaincodeEvents(request?: ChaincodeEventsRequest) {
        opens += 1;
        if (opens === 2) throw new Error('still down');
        return source.chaincodeEvents(request);
      },
    };
    const errors: unknown[] = [];
    let resyncs = 0;
    const subscription = await followRegistryEvents(flaky, { retryMs: 1 }).subscribe(() => undefined, (e) => errors.push(e), () => (resyncs += 1));
    await until(() => resyncs === 1);
    expect(opens).toBe(3);
    expect(requests).toEqual([{}, {}]);
    expect(errors.map((e) => (e as Error).message)).toEqual(['peer gone', 'still down']);
    subscription.close();
  });

  it('close stops delivery and reconnecting', async () => {
    const { source, requests } = scriptedSource([{ events: [], then: 'wait' }]);
    const subscription = await followRegistryEvents(source, { retryMs: 1 }).subscribe(() => undefined, () => undefined);
    subscription.close();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(requests).toHaveLength(1);
  });

  it('a first stream that cannot be opened fails subscribe (the caller decides)', async () => {
    const source = { chaincodeEvents: async () => Promise.reject(new Error('no peer')) };
    await expect(followRegistryEvents(source).subscribe(() => undefined, () => undefined)).rejects.toThrow('no peer');
  });
});
