import { describe, expect, it } from 'vitest';
import { floorWork, intrinsicFloor } from './intrinsic-floor.js';

const costs = { verifyUs: 70, signUs: 30, lrUs: 350 };

describe('intrinsicFloor', () => {
  it('counts one reading per transaction on BFT-4: 19 verifications, 4 signatures, 2 LR executions', () => {
    const work = floorWork(1, 4);
    const total = work.reduce((s, w) => ({ verify: s.verify + w.verify, sign: s.sign + w.sign, lr: s.lr + w.lr }), { verify: 0, sign: 0, lr: 0 });
    expect(total).toEqual({ verify: 1 + 2 + 4 + 12, sign: 4, lr: 2 });
    expect(intrinsicFloor(1, 4, costs).perTransactionUs).toBe(19 * 70 + 4 * 30 + 2 * 350);
  });

  it('the lone orderer checks each envelope once instead of four times', () => {
    expect(intrinsicFloor(1, 4, costs).perTransactionUs - intrinsicFloor(1, 1, costs).perTransactionUs).toBe(3 * 70);
  });

  it('a batch pays the per-transaction signatures once and the LR work per reading', () => {
    const batch = intrinsicFloor(20, 4, costs);
    expect(batch.perTransactionUs).toBe(19 * 70 + 4 * 30 + 40 * 350);
    expect(batch.perReadingUs).toBeCloseTo(batch.perTransactionUs / 20, 9);
    expect(batch.members.find((m) => m.member.startsWith('endorsing'))?.micros).toBe(2 * 70 + 2 * 30 + 40 * 350);
  });
});
