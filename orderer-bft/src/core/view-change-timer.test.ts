import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMING } from './config.js';
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
});
