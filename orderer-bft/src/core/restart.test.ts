import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMING } from './config.js';
import { TestCluster, type Flight } from './test-support/cluster.js';

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

describe('restored slots count our own votes (issue 14)', () => {
  /**
   * Leader 0, replica 3 down. Replica 2 accepts the pre-prepare (and, for `commit`, 1's prepare)
   * and sends its vote, but every later message to it is lost; it crashes and restarts. Handing
   * it the lost prepare and commits must be enough: its own prepare/commit from before the crash
   * is part of the quorum it counts.
   */
  function crashAfterVoting(lastVote: 'prepare' | 'commit'): TestCluster {
    const cluster = new TestCluster(4, { batchMaxCount: 1 });
    cluster.crash(3);
    const lost: Flight[] = [];
    cluster.drop = (flight) => {
      if (flight.to !== 2) return false;
      const type = flight.envelope.body.type;
      if (type === 'pre-prepare' || (lastVote === 'commit' && type === 'prepare')) return false;
      if (type === 'prepare' || type === 'commit') lost.push(flight);
      return true;
    };
    cluster.submit(0, cluster.request('c', 1));
    cluster.run();
    const kinds = cluster.wal[2]!.map((r) => r.kind);
    expect(kinds).toContain('pre-prepare');
    expect(kinds.includes('prepared')).toBe(lastVote === 'commit');
    cluster.crash(2);
    cluster.drop = () => false;
    cluster.restart(2);
    cluster.queue.push(...lost);
    cluster.run();
    return cluster;
  }

  it('a restored accepted pre-prepare counts our prepare', () => {
    expect(crashAfterVoting('prepare').heights()).toEqual([1, 1, 1, 0]);
  });

  it('a restored prepared certificate counts our commit', () => {
    const cluster = crashAfterVoting('commit');
    expect(cluster.heights()).toEqual([1, 1, 1, 0]);
    expect(cluster.ledgers[2]![0]!.signatures.map((s) => s.replica)).toContain(2);
  });
});

describe('restored request-timer backoff (issue 14)', () => {
  it('keeps the doubled request timers of a view installed without progress across a restart', () => {
    // Every proposal is lost: views change with no decision and the request timers double.
    const cluster = new TestCluster(4);
    cluster.drop = (flight) => flight.envelope.body.type === 'pre-prepare';
    cluster.submitAll(cluster.request('c', 1));
    while (!(cluster.replicas[2]!.status.view >= 2 && cluster.replicas[2]!.status.mode === 'normal')) cluster.advance(50, 50);
    const view = cluster.replicas[2]!.status.view;
    const doublings = Math.min(view, 4);
    cluster.crash(2);
    cluster.restart(2);
    expect(cluster.replicas[2]!.status).toMatchObject({ view, mode: 'normal' });
    // Alone from now on: its complaint timing is its own restored timer state.
    cluster.drop = (flight) => flight.to === 2 || flight.from === 2;
    cluster.submit(2, cluster.request('c', 2));
    const start = cluster.now;
    while (cluster.replicas[2]!.status.counters.viewChangesStarted === 0 && cluster.now - start < 60_000) cluster.advance(50, 50);
    const period = (DEFAULT_TIMING.requestForwardTimeout + DEFAULT_TIMING.requestComplainTimeout) * 2 ** doublings;
    expect(cluster.now - start).toBeGreaterThanOrEqual(period - 50);
    expect(cluster.now - start).toBeLessThanOrEqual(period + 50);
  });
});
