import { describe, expect, it } from 'vitest';
import { TestCluster, type Flight } from './test-support/cluster.js';

/**
 * Issue 17 live failure at load 14–17: the whole cluster cycled views at low height. When a
 * machine is starved every replica process stalls at once; on resume Node runs its expired timers
 * before it reads the sockets, so each backup's request timer fired while the leader's proposal
 * sat unread in its socket, and f+1 complaints voted out a leader that had done its job. A
 * replica that wakes up late must first look at what arrived before judging the leader.
 */
function stalledCluster(stallMs: number, deliverHeld: boolean): TestCluster {
  const cluster = new TestCluster(4, { heartbeatInterval: 100 });
  for (let i = 1; i <= 3; i += 1) {
    cluster.submitAll(cluster.request('c', i));
    cluster.advance(100);
  }
  expect(cluster.heights()).toEqual([3, 3, 3, 3]);
  // The leader proposes; its messages are in the sockets when the machine stalls.
  const held: Flight[] = [];
  cluster.drop = (flight) => {
    held.push(flight);
    return true;
  };
  cluster.submitAll(cluster.request('c', 4));
  cluster.advance(30);
  expect(held.some((f) => f.envelope.body.type === 'pre-prepare')).toBe(true);
  cluster.drop = () => false;
  // Resume: every replica's timers fire first (whatever they send queues behind the held messages)...
  cluster.now += stallMs;
  for (let id = 0; id < 4; id += 1) cluster.step(id, { type: 'tick', now: cluster.now });
  // ...then the sockets are read.
  if (deliverHeld) cluster.queue = [...held, ...cluster.queue];
  cluster.run();
  return cluster;
}

describe('a replica that stalled (machine starved) judges the leader on what arrived meanwhile (issue 17)', () => {
  it('keeps the view after a 3 s stall of every replica: the held proposal decides', () => {
    const cluster = stalledCluster(3000, true);
    cluster.advance(1000);
    expect(cluster.replicas.map((r) => r.status.view)).toEqual([0, 0, 0, 0]);
    expect(cluster.heights()).toEqual([4, 4, 4, 4]);
    expect(cluster.replicas.map((r) => r.status.counters.viewChangesStarted)).toEqual([0, 0, 0, 0]);
  });

  it('still votes out a leader whose proposal never comes, shortly after the grace', () => {
    const cluster = stalledCluster(3000, false);
    cluster.crash(0);
    cluster.advance(3000);
    const live = [1, 2, 3].map((id) => cluster.replicas[id]!.status);
    expect(live.map((s) => s.view)).toEqual([1, 1, 1]);
    expect(live.map((s) => s.mode)).toEqual(['normal', 'normal', 'normal']);
    expect([1, 2, 3].map((id) => cluster.heights()[id])).toEqual([4, 4, 4]);
  });

  it('installs the NEW-VIEW that waited in its sockets instead of escalating past it after a stall', () => {
    const cluster = new TestCluster(4, { heartbeatInterval: 100 });
    cluster.submitAll(cluster.request('c', 1));
    cluster.advance(100);
    // Leader 0 dies; the others change views. Replica 1's NEW-VIEW is in the sockets when the machine stalls.
    cluster.crash(0);
    const held: Flight[] = [];
    cluster.drop = (flight) => {
      if (flight.envelope.body.type !== 'new-view' && held.length === 0) return false;
      held.push(flight);
      return true;
    };
    cluster.submitAll(cluster.request('c', 2));
    for (let i = 0; i < 400 && held.length === 0; i += 1) cluster.advance(10);
    expect(held.some((f) => f.envelope.body.type === 'new-view')).toBe(true);
    cluster.drop = () => false;
    cluster.now += 5000;
    for (const id of [1, 2, 3]) cluster.step(id, { type: 'tick', now: cluster.now });
    cluster.queue = [...held, ...cluster.queue];
    cluster.run();
    cluster.advance(1500);
    const live = [1, 2, 3].map((id) => cluster.replicas[id]!.status);
    expect(live.map((s) => `${s.view}/${s.mode}`)).toEqual(['1/normal', '1/normal', '1/normal']);
    expect([1, 2, 3].map((id) => cluster.heights()[id])).toEqual([2, 2, 2]);
  });
});
