import { describe, expect, it } from 'vitest';
import type { ReplicaAction } from './actions.js';
import { canonicalBytes } from './canonical-bytes.js';
import { toHex } from './bytes.js';
import type { Envelope, Message, NewView, ViewChange } from './messages.js';
import { Replica } from './replica.js';
import { TestCluster } from './test-support/cluster.js';
import type { WalRecord } from './wal-record.js';
import { sha256Hasher } from '../sim/sim-crypto.js';

/**
 * Issue 14, the essential violation: the leader of view 1 sends NEW-VIEW, crashes before its
 * `new-view` record is durable, restarts and must not sign a different NEW-VIEW for view 1.
 *
 * The host below models a disk with asynchronous fsync, like the runtime: persist actions are
 * queued, each fsync completes in order and is acknowledged at once, and every send the
 * acknowledgement releases leaves immediately — before the next queued record is durable. The
 * leader "crashes" the moment its first NEW-VIEW leaves; the restart sees only durable records.
 */
const LEADER = 1;

function sealAs<M extends Message>(cluster: TestCluster, from: number, body: M): Envelope<M> {
  return { from, body, signature: cluster.keyring.signerFor(from).sign(canonicalBytes(body)) };
}

function emptyViewChange(cluster: TestCluster, from: number): Envelope<ViewChange> {
  const genesis = toHex(sha256Hasher.hash(cluster.deps(0).genesisHeader));
  return sealAs(cluster, from, { type: 'view-change', view: 1, checkpoint: { seq: 0, digest: genesis, proof: [] }, prepared: [] });
}

interface Host {
  durable: WalRecord[];
  newViews: Envelope<NewView>[];
  crashed: boolean;
}

/** Runs `actions` (and what acknowledgements release) until the first NEW-VIEW leaves. */
function execute(replica: Replica, actions: ReplicaAction[], host: Host, crashOnNewView: boolean): void {
  const disk: Extract<ReplicaAction, { type: 'persist' }>[] = [];
  const sends = (list: ReplicaAction[]): void => {
    for (const action of list) {
      if (host.crashed) return;
      if (action.type === 'persist') disk.push(action);
      const envelope = action.type === 'broadcast' || action.type === 'send' ? action.envelope : undefined;
      if (envelope?.body.type === 'new-view') {
        host.newViews.push(envelope as Envelope<NewView>);
        if (crashOnNewView) host.crashed = true;
      }
    }
  };
  sends(actions);
  while (disk.length > 0 && !host.crashed) {
    const next = disk.shift()!;
    host.durable.push(next.record);
    sends(replica.step({ type: 'persisted', upTo: next.id }));
  }
}

function newViewBytes(envelope: Envelope<NewView>): string {
  return toHex(canonicalBytes(envelope.body));
}

describe('NEW-VIEW across a leader crash (issue 14)', () => {
  it('a leader never signs two different NEW-VIEWs for one view across a restart', () => {
    const cluster = new TestCluster(4);
    const host: Host = { durable: [], newViews: [], crashed: false };
    const config = cluster.configs[LEADER]!;
    let leader = Replica.create(config, cluster.deps(LEADER));
    execute(leader, leader.step({ type: 'tick', now: 0 }), host, true);
    // Replicas 0 and 2 vote for view 1: the leader joins (f+1) and, with its own vote, has 2f+1.
    for (const from of [0, 2]) {
      execute(leader, leader.step({ type: 'message', from, envelope: emptyViewChange(cluster, from) }), host, true);
    }
    expect(host.newViews).toHaveLength(1);
    expect(host.crashed).toBe(true);

    // Restart from the durable records only; X (3) and B (2) now supply the view-changes.
    host.crashed = false;
    leader = Replica.restore(config, cluster.deps(LEADER), host.durable);
    execute(leader, leader.step({ type: 'tick', now: 10 }), host, false);
    for (const from of [3, 2]) {
      execute(leader, leader.step({ type: 'message', from, envelope: emptyViewChange(cluster, from) }), host, false);
    }
    execute(leader, leader.step({ type: 'tick', now: 20 }), host, false);

    const forView1 = host.newViews.filter((nv) => nv.body.view === 1);
    expect(forView1.length).toBeGreaterThan(1); // it re-sends after the restart
    expect(new Set(forView1.map(newViewBytes)).size).toBe(1);
  });
});
