import { describe, expect, it } from 'vitest';
import type { ReplicaAction } from './actions.js';
import { canonicalBytes } from './canonical-bytes.js';
import type { Checkpoint, Commit, Envelope, Message, NewView, NewViewRequest, PrePrepare, Prepare, ViewChange } from './messages.js';
import type { Replica } from './replica.js';
import { ReplicaState } from './replica-state.js';
import { TestCluster } from './test-support/cluster.js';
import { SimAssembler } from '../sim/sim-assembler.js';
import { sha256Hasher } from '../sim/sim-crypto.js';

function sealAs<M extends Message>(cluster: TestCluster, from: number, body: M): Envelope<M> {
  return { from, body, signature: cluster.keyring.signerFor(from).sign(canonicalBytes(body)) };
}

/** Steps `replica` with a message and acknowledges every persist at once; returns all actions. */
function feed(replica: Replica, envelope: Envelope, now?: number): ReplicaAction[] {
  const out: ReplicaAction[] = [];
  const run = (actions: ReplicaAction[]): void => {
    for (const action of actions) {
      out.push(action);
      if (action.type === 'persist') run(replica.step({ type: 'persisted', upTo: action.id }));
    }
  };
  if (now !== undefined) run(replica.step({ type: 'tick', now }));
  run(replica.step({ type: 'message', from: envelope.from, envelope }));
  return out;
}

function genesisCheckpoint(cluster: TestCluster): ViewChange['checkpoint'] {
  return { seq: 0, digest: new ReplicaState(cluster.configs[0]!, cluster.deps(0)).headerDigest(cluster.deps(0).genesisHeader), proof: [] };
}

describe('a decision that does not chain halts the replica (issue 14)', () => {
  it('emits a halt action with code DECISION_NOT_CHAINED and delivers nothing, then ignores every event', () => {
    // More than f replicas (0, 1, 3) collude: a certified proposal at seq 1 chained to a bogus header.
    const cluster = new TestCluster(4);
    const digestOf = new ReplicaState(cluster.configs[0]!, cluster.deps(0));
    const proposal = new SimAssembler(sha256Hasher).assemble([cluster.request('c', 1)], {
      sequence: 1, previousHeader: new TextEncoder().encode('not the genesis'),
    });
    const digest = digestOf.proposalDigest(proposal);
    const pp0 = sealAs<PrePrepare>(cluster, 0, { type: 'pre-prepare', view: 0, seq: 1, proposal });
    const prepares0 = [1, 3].map((from) => sealAs<Prepare>(cluster, from, { type: 'prepare', view: 0, seq: 1, digest }));
    const checkpoint = genesisCheckpoint(cluster);
    const viewChanges = [0, 1, 3].map((from) =>
      sealAs<ViewChange>(cluster, from, { type: 'view-change', view: 1, checkpoint, prepared: [{ prePrepare: pp0, prepares: prepares0 }] }),
    );
    const reissued = sealAs<PrePrepare>(cluster, 1, { type: 'pre-prepare', view: 1, seq: 1, proposal });
    const newView = sealAs<NewView>(cluster, 1, { type: 'new-view', view: 1, viewChanges, prePrepares: [reissued] });
    const replica = cluster.replicas[2]!;
    const actions = feed(replica, newView);
    expect(replica.status).toMatchObject({ view: 1, mode: 'normal' });
    for (const from of [0, 3]) actions.push(...feed(replica, sealAs<Prepare>(cluster, from, { type: 'prepare', view: 1, seq: 1, digest })));
    for (const from of [0, 1]) {
      const signature = cluster.keyring.signerFor(from).signProposal(proposal, { sequence: 1, view: 1, digest });
      actions.push(...feed(replica, sealAs<Commit>(cluster, from, { type: 'commit', view: 1, seq: 1, digest, signature })));
    }
    const halt = actions.find((a): a is Extract<ReplicaAction, { type: 'halt' }> => a.type === 'halt');
    expect(halt?.error.code).toBe('DECISION_NOT_CHAINED');
    expect(halt?.error.ids).toMatchObject({ replica: 2, seq: 1, view: 1 });
    expect(actions.some((a) => a.type === 'deliver')).toBe(false);
    expect(replica.status).toMatchObject({ lastDecided: 0, halted: 'DECISION_NOT_CHAINED' });
    expect(replica.step({ type: 'tick', now: 10_000 })).toEqual([]);
    expect(replica.submit(cluster.request('c', 2)).verdict).toBe('invalid');
  });
});

describe('checkpoint certificates off the K grid (issue 14)', () => {
  it('rejects a VIEW-CHANGE whose checkpoint certificate is at a seq that is not a multiple of K', () => {
    const cluster = new TestCluster(4, { checkpointInterval: 5 });
    const proof = [0, 1, 3].map((from) => sealAs<Checkpoint>(cluster, from, { type: 'checkpoint', seq: 3, digest: 'd' }));
    const offGrid = sealAs<ViewChange>(cluster, 3, { type: 'view-change', view: 1, checkpoint: { seq: 3, digest: 'd', proof }, prepared: [] });
    const replica = cluster.replicas[2]!;
    feed(replica, offGrid);
    expect(replica.status.counters.rejectedViewChanges).toBe(1);
    // Loose checkpoint votes off the grid never become stable either.
    for (const vote of proof) feed(replica, vote);
    expect(replica.status.stableCheckpoint).toBe(0);
  });
});

describe('new-view-request rate limit (issue 14)', () => {
  it('answers one new-view-request per sender per half view-change timeout', () => {
    const cluster = new TestCluster(4, { viewChangeTimeout: 500 });
    cluster.crash(0);
    cluster.submitAll(cluster.request('c', 1));
    cluster.advance(2000);
    const server = cluster.replicas[2]!;
    expect(server.status.view).toBe(1);
    const request = (): Envelope<NewViewRequest> => sealAs<NewViewRequest>(cluster, 3, { type: 'new-view-request', view: 1 });
    const answers = (actions: ReplicaAction[]): number =>
      actions.filter((a) => a.type === 'send' && a.to === 3 && a.envelope.body.type === 'new-view').length;
    let sent = 0;
    for (let i = 0; i < 20; i += 1) sent += answers(feed(server, request(), cluster.now));
    expect(sent).toBe(1);
    expect(server.status.counters.throttledNewViewRequests).toBe(19);
    // Another sender is served independently; the same one again after the window.
    const other = sealAs<NewViewRequest>(cluster, 1, { type: 'new-view-request', view: 1 });
    expect(feed(server, other).filter((a) => a.type === 'send' && a.to === 1).length).toBe(1);
    expect(answers(feed(server, request(), cluster.now + 250))).toBe(1);
  });
});
