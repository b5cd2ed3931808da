import { describe, expect, it } from 'vitest';
import { TestCluster } from './test-support/cluster.js';

/**
 * Issue 17: a replica restarted after a VIEW-CHANGE only it sent (persisted just before a crash)
 * while the others kept working in their view. It must come back into the cluster's view without
 * waiting for the cluster to change views, and without ever voting in a view below the one its
 * VIEW-CHANGE promised to leave (PBFT's view-change proof counts on that promise).
 */
const R = 2;
let nextRequest = 1;

/** Four replicas in view `view` (leader `view`), each with a few decisions. */
function clusterInView(view: 0 | 1): TestCluster {
  nextRequest = 1;
  const cluster = new TestCluster(4, { heartbeatInterval: 100 });
  if (view === 1) cluster.crash(0);
  cluster.submitAll(cluster.request('c', nextRequest++));
  cluster.advance(2000);
  if (view === 1) cluster.restart(0);
  cluster.advance(300);
  for (let i = 0; i < 3; i += 1) {
    cluster.submitAll(cluster.request('c', nextRequest++));
    cluster.advance(100);
  }
  expect(cluster.replicas.map((r) => r.status.view)).toEqual([view, view, view, view]);
  expect(cluster.heights()).toEqual([4, 4, 4, 4]);
  return cluster;
}

/** R crashes, its WAL gains a lone VIEW-CHANGE for `view + 1`, it restarts; load goes on. */
function restartAfterLoneViewChange(cluster: TestCluster, view: number): { sentAfter: string[] } {
  cluster.crash(R);
  cluster.wal[R]!.push({ kind: 'view-change', view: view + 1 });
  cluster.restart(R);
  expect(cluster.replicas[R]!.status).toMatchObject({ view: view + 1, mode: 'view-change' });
  // Every normal-case vote R sends from now on, by view (none may be below view + 1).
  const sentAfter: string[] = [];
  const drop = cluster.drop;
  cluster.drop = (flight) => {
    const body = flight.envelope.body;
    if (flight.from === R && (body.type === 'prepare' || body.type === 'commit' || body.type === 'pre-prepare')) {
      sentAfter.push(`${body.type}@${body.view}`);
    }
    return drop(flight);
  };
  return { sentAfter };
}

function load(cluster: TestCluster, ms: number): void {
  for (let t = 0; t < ms; t += 100) {
    cluster.submitAll(cluster.request('c', nextRequest++));
    cluster.advance(100);
  }
}

describe('a replica restarted after a lone VIEW-CHANGE (issue 17)', () => {
  for (const view of [0, 1] as const) {
    it(`rejoins the cluster's view ${view} and height while the cluster stays in it, voting in none below its VIEW-CHANGE`, () => {
      const cluster = clusterInView(view);
      const { sentAfter } = restartAfterLoneViewChange(cluster, view);
      load(cluster, 3000);
      const statuses = cluster.replicas.map((r) => r.status);
      // The cluster never changed views for R's sake, and R is back in it, in step.
      expect(statuses.map((s) => s.view)).toEqual([view, view, view, view]);
      expect(statuses[R]!.mode).toBe('normal');
      const heights = cluster.heights();
      expect(heights[R]).toBeGreaterThanOrEqual(Math.min(...heights) - 1);
      expect(Math.min(...heights)).toBeGreaterThan(20);
      expect(statuses[R]!.catchingUp).toBe(false);
      // It promised to leave `view`: it follows the decisions but casts no vote in it.
      expect(sentAfter.filter((s) => Number(s.split('@')[1]) <= view)).toEqual([]);
      // Ledgers agree.
      const reference = cluster.ledgers[0]!;
      for (const ledger of cluster.ledgers) {
        for (const decision of ledger) expect(decision.digest).toEqual(reference[decision.seq - 1]!.digest);
      }
    });
  }

  it('fetches the NEW-VIEW of a view it never installed (down while the cluster changed views) and follows there', () => {
    nextRequest = 1;
    const cluster = new TestCluster(4, { heartbeatInterval: 100 });
    load(cluster, 500);
    cluster.crash(R);
    // While R is down the leader stops proposing: the other three move to view 1.
    cluster.drop = (flight) => flight.envelope.body.type === 'pre-prepare' && flight.envelope.body.view === 0;
    load(cluster, 3000);
    cluster.drop = () => false;
    load(cluster, 500);
    expect([0, 1, 3].map((id) => cluster.replicas[id]!.status.view)).toEqual([1, 1, 1]);
    const { sentAfter } = restartAfterLoneViewChange(cluster, 1);
    expect(cluster.replicas[R]!.status).toMatchObject({ view: 2, mode: 'view-change' });
    load(cluster, 3000);
    const statuses = cluster.replicas.map((r) => r.status);
    expect(statuses.map((s) => s.view)).toEqual([1, 1, 1, 1]);
    expect(statuses[R]!.mode).toBe('normal');
    const heights = cluster.heights();
    expect(heights[R]).toBeGreaterThanOrEqual(Math.min(...heights) - 1);
    expect(sentAfter.filter((s) => Number(s.split('@')[1]) <= 1)).toEqual([]);
  });

  it('once another replica fails, the cluster moves to the promised view and R takes part again', () => {
    const cluster = clusterInView(0);
    const { sentAfter } = restartAfterLoneViewChange(cluster, 0);
    load(cluster, 2000);
    expect(cluster.replicas[R]!.status).toMatchObject({ view: 0, mode: 'normal' });
    // The leader dies: with R only following, the other two cannot decide alone in view 0.
    cluster.crash(0);
    const before = Math.max(...cluster.heights());
    load(cluster, 8000);
    const live = [1, 2, 3].map((id) => cluster.replicas[id]!.status);
    expect(live.map((s) => s.mode)).toEqual(['normal', 'normal', 'normal']);
    expect(new Set(live.map((s) => s.view)).size).toBe(1);
    expect(live[0]!.view).toBeGreaterThanOrEqual(1);
    const heights = [1, 2, 3].map((id) => cluster.heights()[id]!);
    expect(Math.min(...heights)).toBeGreaterThan(before + 10);
    expect(sentAfter.some((s) => s.startsWith('commit@'))).toBe(true);
    expect(sentAfter.filter((s) => Number(s.split('@')[1]) < 1)).toEqual([]);
  });

  it('after another crash while following, it restarts into its promise and follows again', () => {
    const cluster = clusterInView(1);
    const { sentAfter } = restartAfterLoneViewChange(cluster, 1);
    load(cluster, 2000);
    cluster.crash(R);
    cluster.restart(R);
    load(cluster, 3000);
    const statuses = cluster.replicas.map((r) => r.status);
    expect(statuses.map((s) => s.view)).toEqual([1, 1, 1, 1]);
    expect(statuses[R]!.mode).toBe('normal');
    const heights = cluster.heights();
    expect(heights[R]).toBeGreaterThanOrEqual(Math.min(...heights) - 1);
    expect(sentAfter.filter((s) => Number(s.split('@')[1]) <= 1)).toEqual([]);
  });
});
