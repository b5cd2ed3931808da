import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMING } from './config.js';
import type { Envelope } from './messages.js';
import { TestCluster } from './test-support/cluster.js';

const T = DEFAULT_TIMING.viewChangeTimeout;

/**
 * PBFT §4.5.2: the new-view timer starts only once 2f+1 VIEW-CHANGEs ask for the view. Before,
 * replicas escalated with f+1 and doubled their timers on every attempt, so with the first leader
 * silent and one more honest replica down the two left climbed to view 7 on 32 s timers; once the
 * third was back they sat in views 8 and 9 for 32 s more (37 s from its restart to a decision,
 * the shape of sim seed 1512 on the earlier core).
 */
describe('view-change timer (PBFT §4.5.2)', () => {
  it('waits without a quorum instead of climbing alone, and finishes the view change as soon as one is back', () => {
    const cluster = new TestCluster(4);
    cluster.crash(0); // the silent leader of view 0
    cluster.submitAll(cluster.request('c', 1));
    cluster.advance(100);
    cluster.crash(2);
    cluster.advance(60_000, 50);
    // 1 and 3 vote for view 1 and wait: no view can be installed with two of four.
    expect([1, 3].map((id) => cluster.replicas[id]!.status)).toMatchObject([
      { view: 1, mode: 'view-change' }, { view: 1, mode: 'view-change' },
    ]);
    cluster.restart(2);
    // 2 hears the re-sent VIEW-CHANGEs (at most 4T apart), joins view 1, and its leader 1 now holds 2f+1.
    cluster.advance(4 * T + 100, 50);
    expect([1, 2, 3].map((id) => cluster.replicas[id]!.status)).toMatchObject([
      { view: 1, mode: 'normal' }, { view: 1, mode: 'normal' }, { view: 1, mode: 'normal' },
    ]);
    expect([1, 2, 3].map((id) => cluster.heights()[id])).toEqual([1, 1, 1]);
  });

  it('moves past a dead leader once 2f+1 ask for its view', () => {
    const cluster = new TestCluster(7);
    cluster.crash(0);
    cluster.crash(1); // the leader of view 1 is dead too: f = 2
    cluster.submitAll(cluster.request('c', 1));
    cluster.advance(10_000, 50);
    const live = [2, 3, 4, 5, 6];
    expect(live.map((id) => cluster.replicas[id]!.status)).toMatchObject(live.map(() => ({ view: 2, mode: 'normal' })));
    expect(live.map((id) => cluster.heights()[id])).toEqual(live.map(() => 1));
  });

  it('does not escalate on the VIEW-CHANGEs of a view change long done, flushed to a restarted replica', () => {
    // Links flush their queues after a restart: the restarted replica may read the VIEW-CHANGEs
    // of a view change the others finished long ago before any of their heartbeats. Counting
    // them armed its new-view timer, and at expiry it went on alone into view 2 although by then
    // their heartbeats showed all three working in view 1 (it could only follow there after).
    const R = 2;
    const cluster = new TestCluster(4, { heartbeatInterval: 100 });
    let next = 1;
    const load = (ms: number): void => {
      for (let t = 0; t < ms; t += 100) {
        cluster.submitAll(cluster.request('c', next++));
        cluster.advance(100);
      }
    };
    load(500);
    cluster.crash(R);
    // Leader 0 stops proposing: 0, 1 and 3 move to view 1; keep their VIEW-CHANGEs.
    const flushed = new Map<number, Envelope>();
    cluster.drop = (flight) => {
      const body = flight.envelope.body;
      if (body.type === 'view-change' && body.view === 1) flushed.set(flight.from, flight.envelope);
      return body.type === 'pre-prepare' && body.view === 0;
    };
    load(3000);
    cluster.drop = () => false;
    load(500);
    expect([0, 1, 3].map((id) => cluster.replicas[id]!.status)).toMatchObject([
      { view: 1, mode: 'normal' }, { view: 1, mode: 'normal' }, { view: 1, mode: 'normal' },
    ]);
    expect([...flushed.keys()].sort()).toEqual([0, 1, 3]);
    // R restarts in view 0 and reads the flushed VIEW-CHANGEs first; the NEW-VIEW it would
    // fetch is held back for longer than its view-change timeout.
    const sentByR: string[] = [];
    cluster.drop = (flight) => {
      const body = flight.envelope.body;
      if (flight.from === R && ['view-change', 'prepare', 'commit'].includes(body.type)) sentByR.push(`${body.type}@${(body as { view: number }).view}`);
      return flight.to === R && body.type === 'new-view';
    };
    cluster.restart(R);
    for (const [from, envelope] of flushed) cluster.queue.push({ from, to: R, envelope });
    cluster.run();
    expect(cluster.replicas[R]!.status).toMatchObject({ view: 1, mode: 'view-change' });
    load(T + 1000);
    expect(cluster.replicas[R]!.status).toMatchObject({ view: 1, mode: 'view-change' });
    // Once the NEW-VIEW gets through, R installs view 1 and votes there (it never promised to leave it).
    const drop = cluster.drop;
    cluster.drop = (flight) => drop(flight) && flight.envelope.body.type !== 'new-view';
    load(3000);
    expect(cluster.replicas.map((r) => r.status)).toMatchObject(cluster.replicas.map(() => ({ view: 1, mode: 'normal' })));
    expect(sentByR.filter((s) => s.startsWith('view-change@') && s !== 'view-change@1')).toEqual([]);
    expect(sentByR).toContain('commit@1');
    const heights = cluster.heights();
    expect(heights[R]).toBeGreaterThanOrEqual(Math.min(...heights) - 1);
  });
});
