import { describe, expect, it } from 'vitest';
import { TestCluster } from './test-support/cluster.js';

describe('Replica normal case', () => {
  it('orders a request submitted to every replica into one decision everywhere', () => {
    const cluster = new TestCluster(4);
    cluster.submitAll(cluster.request('c1', 1));
    cluster.advance(100);
    expect(cluster.heights()).toEqual([1, 1, 1, 1]);
    const digests = new Set(cluster.ledgers.map((l) => l[0]!.digest));
    expect(digests.size).toBe(1);
    expect(cluster.ledgers[0]![0]!.signatures.length).toBe(3);
  });
});
