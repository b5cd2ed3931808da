import { describe, expect, it } from 'vitest';
import { canonicalBytes } from './canonical-bytes.js';
import type { Envelope, Message, Prepare } from './messages.js';
import { FUTURE_BUFFER_PER_SENDER } from './replica-state.js';
import { TestCluster, type Flight } from './test-support/cluster.js';

function sealAs<M extends Message>(cluster: TestCluster, from: number, body: M): Envelope<M> {
  return { from, body, signature: cluster.keyring.signerFor(from).sign(canonicalBytes(body)) };
}

describe('future-view buffer (issue 14)', () => {
  it('one replica flooding validly signed future-view messages cannot evict the honest ones', () => {
    const cluster = new TestCluster(4, { batchMaxCount: 1 });
    const held: Flight[] = [];
    let viewZeroProposals = true;
    cluster.drop = (flight) => {
      const type = flight.envelope.body.type;
      // View 0's leader (0, the flooder) gets voted out: its proposals never arrive.
      if (viewZeroProposals && type === 'pre-prepare' && flight.from === 0) return true;
      // Replica 2 misses NEW-VIEW 1 for now and hears no heartbeats (no state transfer either).
      if (flight.to === 2 && (type === 'new-view' || type === 'status')) {
        if (type === 'new-view') held.push(flight);
        return true;
      }
      return false;
    };
    cluster.submitAll(cluster.request('c', 1));
    for (let t = 0; t < 5000 && cluster.ledgers[1]!.length === 0; t += 50) cluster.advance(50);
    viewZeroProposals = false;
    expect(cluster.heights()).toEqual([1, 1, 0, 1]);
    // Replica 2 is still changing views: the view-1 pre-prepare, prepares and commits are buffered.
    expect(cluster.replicas[2]!.status).toMatchObject({ view: 1, mode: 'view-change' });

    // Replica 0 floods replica 2 with validly signed messages for a later view.
    for (let i = 0; i < 10 * FUTURE_BUFFER_PER_SENDER; i += 1) {
      const prepare = sealAs<Prepare>(cluster, 0, { type: 'prepare', view: 5, seq: 1 + (i % 20), digest: `flood-${i}` });
      cluster.step(2, { type: 'message', from: 0, envelope: prepare });
    }
    // NEW-VIEW 1 finally arrives: the buffered honest messages alone let replica 2 decide at once.
    cluster.drop = () => false;
    cluster.queue.push(held[0]!);
    cluster.run();
    expect(cluster.replicas[2]!.status).toMatchObject({ view: 1, mode: 'normal' });
    expect(cluster.heights()[2]).toBe(1);
    expect(cluster.ledgers[2]![0]!.digest).toBe(cluster.ledgers[1]![0]!.digest);
  });
});
