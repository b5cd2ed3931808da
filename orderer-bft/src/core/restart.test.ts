import { describe, expect, it } from 'vitest';
import { TestCluster } from './test-support/cluster.js';

/** Brings a 4-replica cluster into view 1 (leader 1) with one decision, all replicas up. */
function clusterInView1(): TestCluster {
  const cluster = new TestCluster(4, { heartbeatInterval: 100 });
  cluster.crash(0);
  cluster.submitAll(cluster.request('c', 1));
  cluster.advance(2000);
  cluster.restart(0);
  cluster.advance(300);
  expect(cluster.replicas.map((r) => r.status.view)).toEqual([1, 1, 1, 1]);
  expect(cluster.heights()).toEqual([1, 1, 1, 1]);
  return cluster;
}

describe('restart liveness (issue 14)', () => {
  it('a leader that lost its new-view record adopts its own NEW-VIEW relayed back instead of climbing views alone', () => {
    const cluster = clusterInView1();
    cluster.crash(1);
    cluster.wal[1] = cluster.wal[1]!.filter((record) => record.kind !== 'new-view');
    cluster.restart(1);
    expect(cluster.replicas[1]!.status.mode).toBe('view-change');
    cluster.advance(400);
    expect(cluster.replicas[1]!.status).toMatchObject({ view: 1, mode: 'normal', isLeader: true });
    cluster.submitAll(cluster.request('c', 2));
    cluster.advance(300);
    expect(cluster.heights()).toEqual([2, 2, 2, 2]);
    expect(cluster.replicas.map((r) => r.status.view)).toEqual([1, 1, 1, 1]);
  });
});
