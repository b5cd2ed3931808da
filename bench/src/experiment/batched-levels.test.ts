import { describe, expect, it } from 'vitest';
import { DEFAULT_BATCH_PLAN, parseBatchPlan, QUICK_BATCH_PLAN } from './batched-levels.js';

describe('parseBatchPlan', () => {
  it('reads batch sizes and their client levels', () => {
    expect(parseBatchPlan('20:1,4,16; 100:8,2')).toEqual([{ batch: 20, levels: [1, 4, 16] }, { batch: 100, levels: [2, 8] }]);
  });

  it('the defaults cover batches of 20 and 100', () => {
    expect(parseBatchPlan(DEFAULT_BATCH_PLAN).map((p) => p.batch)).toEqual([20, 100]);
    expect(parseBatchPlan(QUICK_BATCH_PLAN).map((p) => p.batch)).toEqual([20, 100]);
  });

  for (const bad of ['20', '1:4', '101:4', '20:x', 'a:1']) {
    it(`refuses "${bad}"`, () => {
      expect(() => parseBatchPlan(bad)).toThrow(/bad batch|client level/);
    });
  }
});
