import { describe, expect, it } from 'vitest';
import { TestCluster } from './test-support/cluster.js';

/**
 * Sim seeds 4228 and 6506 (`--n 4`): commits for the next sequence were lost on their way to two
 * honest backups, whose pools were empty, and only one other honest replica decided. Nothing
 * re-sends commits, one replica's height is no proof (state transfer waits for f+1), and without
 * a pending request no request timer ran: they stayed a decision short for good.
 */
describe('a replica holding an undecided proposal', () => {
  it('complains about missing progress on it with an empty pool, so f+1 vote the view out and all decide', () => {
    const cluster = new TestCluster(4);
    cluster.crash(3); // the one fault
    let lose = true;
    cluster.drop = (flight) => lose && flight.envelope.body.type === 'commit' && (flight.to === 1 || flight.to === 2);
    // Only the leader has the request: the backups' pools stay empty.
    cluster.submit(0, cluster.request('c', 1));
    cluster.advance(100);
    expect(cluster.heights()).toEqual([1, 0, 0, 0]);
    lose = false;
    cluster.advance(5_000, 50);
    expect(cluster.heights().slice(0, 3)).toEqual([1, 1, 1]);
    const digests = [0, 1, 2].map((id) => cluster.ledgers[id]![0]!.digest);
    expect(new Set(digests).size).toBe(1);
  });
});
