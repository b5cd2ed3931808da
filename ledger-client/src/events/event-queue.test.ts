import { describe, expect, it } from 'vitest';
import type { LedgerChaincodeEvent } from './chaincode-events.js';
import { EventQueue } from './event-queue.js';

const event = (n: number): LedgerChaincodeEvent => ({ blockNumber: BigInt(n), transactionId: `tx${n}`, chaincode: 'lr-chaincode', eventName: 'MeterRevoked', payload: new Uint8Array([n]) });

async function take(iterator: AsyncIterator<LedgerChaincodeEvent>, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(Number(next.value.blockNumber));
  }
  return out;
}

describe('EventQueue', () => {
  it('delivers events pushed before and while the consumer waits, in order', async () => {
    const queue = new EventQueue(() => undefined);
    queue.push(event(1));
    queue.push(event(2));
    const iterator = queue[Symbol.asyncIterator]();
    expect(await take(iterator, 2)).toEqual([1, 2]);
    const waiting = iterator.next();
    queue.push(event(3));
    expect((await waiting).value?.blockNumber).toBe(3n);
  });

  it('fails the consumer after the buffered events, and ignores pushes after the failure', async () => {
    const queue = new EventQueue(() => undefined);
    queue.push(event(1));
    queue.fail(new Error('peer gone'));
    queue.push(event(2));
    const iterator = queue[Symbol.asyncIterator]();
    expect(await take(iterator, 1)).toEqual([1]);
    await expect(iterator.next()).rejects.toThrow('peer gone');
  });

  it('close ends a waiting consumer, drops the buffer and calls onClose once', async () => {
    let closes = 0;
    const queue = new EventQueue(() => (closes += 1));
    const iterator = queue[Symbol.asyncIterator]();
    const waiting = iterator.next();
    queue.close();
    expect(await waiting).toEqual({ value: undefined, done: true });
    queue.push(event(9));
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    queue.close();
    expect(closes).toBe(1);
  });

  it('breaking out of for-await closes the stream', async () => {
    let closes = 0;
    const queue = new EventQueue(() => (closes += 1));
    queue.push(event(1));
    queue.push(event(2));
    for await (const e of queue) {
      expect(e.blockNumber).toBe(1n);
      break;
    }
    expect(closes).toBe(1);
  });
});
