import { describe, expect, it } from 'vitest';
import type { ReplicaAction } from './actions.js';
import { canonicalBytes } from './canonical-bytes.js';
import { toHex } from './bytes.js';
import type { Proposal } from './dependencies.js';
import type { Commit, Envelope, Message, NewView, PrePrepare, Prepare, ViewChange } from './messages.js';
import { Replica } from './replica.js';
import { ReplicaState } from './replica-state.js';
import { TestCluster, type Flight } from './test-support/cluster.js';
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

/** The core's own proposal digest (a scratch state of the cluster's replica 0). */
function digestOf(cluster: TestCluster, proposal: Proposal): string {
  return new ReplicaState(cluster.configs[0]!, cluster.deps(0)).proposalDigest(proposal);
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

/**
 * Issue 14's full five steps (n = 4: A = 0, L = 1 leader of view 1, B = 2, X = 3 Byzantine). X's
 * replica stays down; everything X says is signed by hand below. Step 2's lost fsync is modelled
 * by restarting L from its WAL without the `new-view` record, i.e. the pre-fix ordering: this
 * exercises the defence in depth (refusal of O entries at decided sequences, safe tie-break) that
 * must hold even if a leader forgets its NEW-VIEW.
 *
 * - `tie`: in view 2 B's V is {A, L, B}: equal-view certificates d1 (A) and d2 (L, B) meet.
 * - `refuse`: X holds a valid certificate for d1 (L's re-issued pre-prepare, A's and X's
 *   prepares). B, leader of view 2, sees only {A, B, X} and signs no NEW-VIEW contradicting its
 *   decision; X, leader of view 3, sends a valid NEW-VIEW re-issuing d1, which L and B refuse.
 */
describe('issue 14: the five-step fork scenario', () => {
  const A = 0;
  const B = 2;
  const X = 3;

  function runScenario(variant: 'tie' | 'refuse'): { cluster: TestCluster; d1: string; d2: string } {
    const cluster = new TestCluster(4, { batchMaxCount: 1 });
    cluster.crash(X);
    const seen: Flight[] = [];
    let allow: (flight: Flight) => boolean = () => false;
    cluster.drop = (flight) => {
      seen.push(flight);
      // The adversary schedules the network: no heartbeats or relays (they would only speed up
      // state transfer, hiding the fork), and only what each step allows.
      if (flight.envelope.body.type === 'status' || flight.envelope.body.type === 'forward') return true;
      return !allow(flight);
    };
    const toX = (envelope: Envelope, to: number): void => cluster.step(to, { type: 'message', from: X, envelope });
    const req1 = cluster.request('c', 1);
    for (const id of [A, LEADER, B]) cluster.submit(id, req1);

    // 1. View 0 (leader A): only B gets the pre-prepare, only A gets prepares → only A is prepared.
    allow = (f) => (f.envelope.body.type === 'pre-prepare' && f.to === B) || (f.envelope.body.type === 'prepare' && f.to === A);
    cluster.run();
    const pp0 = seen.find((f) => f.from === A && f.envelope.body.type === 'pre-prepare')!.envelope as Envelope<PrePrepare>;
    const d1 = digestOf(cluster, pp0.body.proposal);
    toX(sealAs<Prepare>(cluster, X, { type: 'prepare', view: 0, seq: 1, digest: d1 }), A);
    expect(cluster.wal[A]!.some((r) => r.kind === 'prepared')).toBe(true);

    // 2. Request timers expire: A, L, B vote for view 1. L's NEW-VIEW (O = {1: d1}) reaches only A.
    allow = (f) => f.envelope.body.type === 'view-change' || (f.envelope.body.type === 'new-view' && f.to === A);
    cluster.advance(800);
    const firstNewView = seen.find((f) => f.envelope.body.type === 'new-view')!.envelope as Envelope<NewView>;
    expect(firstNewView.body.prePrepares.map((p) => p.body.seq)).toEqual([1]);
    expect(cluster.replicas[A]!.status).toMatchObject({ view: 1, mode: 'normal' });
    const bViewChange = seen.find((f) => f.from === B && f.envelope.body.type === 'view-change')!.envelope;

    // 3. L crashes with its NEW-VIEW not durable, restarts, and X's empty VIEW-CHANGE plus B's
    //    replayed one let it build NEW-VIEW 1 with O = {} — sent to B only.
    cluster.crash(LEADER);
    const cut = cluster.wal[LEADER]!.findIndex((r) => r.kind === 'new-view');
    cluster.wal[LEADER] = cluster.wal[LEADER]!.slice(0, cut);
    allow = (f) => f.to === B || (f.to === LEADER && f.from === B);
    cluster.restart(LEADER);
    toX(emptyViewChange(cluster, X), LEADER);
    cluster.step(LEADER, { type: 'message', from: B, envelope: bViewChange });
    cluster.run();
    expect(cluster.replicas[B]!.status).toMatchObject({ view: 1, mode: 'normal' });

    // 4. L proposes d2; L and B, with X's votes, decide it. A, with X's prepare, prepares d1.
    cluster.submit(LEADER, cluster.request('c', 2));
    cluster.run();
    const pp1 = seen.find((f) => f.from === LEADER && f.envelope.body.type === 'pre-prepare')!.envelope as Envelope<PrePrepare>;
    const d2 = digestOf(cluster, pp1.body.proposal);
    for (const to of [LEADER, B]) toX(sealAs<Prepare>(cluster, X, { type: 'prepare', view: 1, seq: 1, digest: d2 }), to);
    cluster.run();
    const signature = cluster.keyring.signerFor(X).signProposal(pp1.body.proposal, { sequence: 1, view: 1, digest: d2 });
    for (const to of [LEADER, B]) toX(sealAs<Commit>(cluster, X, { type: 'commit', view: 1, seq: 1, digest: d2, signature }), to);
    cluster.run();
    expect(cluster.ledgers[LEADER]!.map((d) => d.digest)).toEqual([d2]);
    expect(cluster.ledgers[B]!.map((d) => d.digest)).toEqual([d2]);
    const xPrepareD1 = sealAs<Prepare>(cluster, X, { type: 'prepare', view: 1, seq: 1, digest: d1 });
    toX(xPrepareD1, A);
    const aPrepared = cluster.wal[A]!.filter((r) => r.kind === 'prepared');
    expect(aPrepared.at(-1)).toMatchObject({ certificate: { prePrepare: { body: { view: 1, seq: 1 } } } });

    // 5. The view change to view 2 (leader B).
    if (variant === 'refuse') {
      const aPrepareD1 = seen.find((f) => f.from === A && f.envelope.body.type === 'prepare' && (f.envelope as Envelope<Prepare>).body.view === 1)!
        .envelope as Envelope<Prepare>;
      const certD1 = { prePrepare: firstNewView.body.prePrepares[0]!, prepares: [aPrepareD1, xPrepareD1] };
      const xViewChange = (view: number): Envelope<ViewChange> => sealAs<ViewChange>(cluster, X, {
        type: 'view-change', view, checkpoint: emptyViewChange(cluster, X).body.checkpoint, prepared: [certD1],
      });
      // View 2 (leader B): V can only be {A, B, X}, whose O re-issues d1 against B's own decision,
      // so B signs no NEW-VIEW at all. The view times out.
      toX(xViewChange(2), B);
      allow = (f) => !(f.from === LEADER && f.to === B && f.envelope.body.type === 'view-change');
      const vcFor3 = (from: number): Envelope<ViewChange> | undefined => seen.find(
        (f) => f.from === from && f.envelope.body.type === 'view-change' && (f.envelope as Envelope<ViewChange>).body.view === 3,
      )?.envelope as Envelope<ViewChange> | undefined;
      for (let t = 0; t < 10_000 && (vcFor3(A) === undefined || vcFor3(LEADER) === undefined); t += 50) cluster.advance(50);
      expect(seen.some((f) => f.envelope.body.type === 'new-view' && (f.envelope as Envelope<NewView>).body.view === 2)).toBe(false);
      // View 3's leader is X: it builds a valid NEW-VIEW from A's and L's genuine VIEW-CHANGEs and
      // its own, whose O re-issues d1 (support 2 to 1). L and B decided d2 and must refuse it.
      const xReissue = sealAs<PrePrepare>(cluster, X, { type: 'pre-prepare', view: 3, seq: 1, proposal: pp0.body.proposal });
      const xNewView = sealAs<NewView>(cluster, X, {
        type: 'new-view', view: 3, viewChanges: [vcFor3(A)!, vcFor3(LEADER)!, xViewChange(3)], prePrepares: [xReissue],
      });
      for (const to of [A, LEADER, B]) toX(xNewView, to);
      expect(cluster.replicas[LEADER]!.status.view).toBe(3);
      allow = () => true;
    } else {
      allow = () => true;
    }
    cluster.advance(4000);
    return { cluster, d1, d2 };
  }

  function expectNoFork(cluster: TestCluster): void {
    const atSeq1 = [A, LEADER, B].map((id) => cluster.ledgers[id]![0]?.digest).filter((d) => d !== undefined);
    expect(new Set(atSeq1).size).toBe(1);
  }

  it('equal-view certificates: O takes the better-supported digest, and no honest replica forks', () => {
    const { cluster, d2 } = runScenario('tie');
    expect(cluster.replicas[B]!.status.view).toBeGreaterThanOrEqual(2);
    expectNoFork(cluster);
    expect(cluster.ledgers[A]![0]?.digest).toBe(d2);
  });

  it('a NEW-VIEW re-issuing d1 where B and L decided d2: they refuse it, and no honest replica forks', () => {
    const { cluster, d2 } = runScenario('refuse');
    expect(cluster.replicas[B]!.status.view).toBeGreaterThanOrEqual(2);
    expectNoFork(cluster);
    expect(cluster.replicas[B]!.status.counters.conflictingReissues + cluster.replicas[LEADER]!.status.counters.conflictingReissues)
      .toBeGreaterThanOrEqual(1);
    expect(cluster.ledgers[B]![0]!.digest).toBe(d2);
  });
});
