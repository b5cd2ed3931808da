import { describe, expect, it } from 'vitest';
import type { Commit, PrePrepare } from './messages.js';
import { TestCluster, type Flight } from './test-support/cluster.js';
import { sha256Hasher } from '../sim/sim-crypto.js';
import { toHex } from './bytes.js';

/**
 * Sim seed 575: a leader whose in-flight proposal becomes stable by checkpoint before the leader
 * decides it (its commits are late) lost that slot to garbage collection; it must not sign a
 * second, different pre-prepare for the same (view, seq), but fetch the decision and go on.
 */
describe('a leader that adopts a checkpoint above its tip', () => {
  it('never re-proposes the sequence it already proposed, and catches up by state transfer', () => {
    const cluster = new TestCluster(4, { batchMaxCount: 2, checkpointInterval: 5 });
    const proposals = new Map<string, Set<string>>();
    cluster.drop = (flight: Flight) => {
      const body = flight.envelope.body;
      if (body.type === 'pre-prepare' && flight.from === 0) {
        const pp = body as PrePrepare;
        const key = `${pp.view}/${pp.seq}`;
        const digests = proposals.get(key) ?? new Set<string>();
        digests.add(toHex(sha256Hasher.hash(pp.proposal.payload)));
        proposals.set(key, digests);
      }
      // The leader hears nobody's commit for seq 5, so it only learns of it from the checkpoint.
      return flight.to === 0 && body.type === 'commit' && (body as Commit).seq === 5;
    };
    for (let i = 1; i <= 4; i += 1) {
      cluster.submitAll(cluster.request('c', i));
      cluster.advance(30);
    }
    expect(cluster.heights()).toEqual([4, 4, 4, 4]);
    cluster.submitAll(cluster.request('c', 5));
    // The batch timeout cuts seq 5 = [request 5]; request 6 then waits in the leader's pool, so a
    // second proposal for seq 5 would be [5, 6]: a different digest.
    cluster.now += 30;
    cluster.step(0, { type: 'tick', now: cluster.now });
    cluster.submitAll(cluster.request('c', 6));
    cluster.run();
    cluster.advance(500);
    for (const [key, digests] of proposals) expect(digests.size, `pre-prepares signed by 0 for (view/seq) ${key}`).toBe(1);
    expect(cluster.replicas[0]!.status.stableCheckpoint).toBe(5);
    expect(cluster.heights()).toEqual([6, 6, 6, 6]);
    const digests = cluster.ledgers.map((ledger) => ledger.map((d) => d.digest).join());
    expect(new Set(digests).size).toBe(1);
  });
});
