import { describe, expect, it } from 'vitest';
import { TestCluster, type Flight } from './test-support/cluster.js';
import { SimAssembler } from '../sim/sim-assembler.js';
import { sha256Hasher } from '../sim/sim-crypto.js';

/**
 * Request timer 2 (complain) under load (issue 14): it must measure missing progress, not
 * request age. On the simulated clock of {@link TestCluster} the network releases one
 * pre-prepare per `roundMs`, so the leader decides steadily but slower than its backlog grows old.
 */
function pacedCluster(overrides: ConstructorParameters<typeof TestCluster>[1] = {}): { cluster: TestCluster; release: () => void } {
  const cluster = new TestCluster(4, { batchMaxCount: 2, poolMaxSize: 2000, ...overrides });
  const held: Flight[] = [];
  const released = new Set<Flight>();
  cluster.drop = (flight) => {
    if (flight.envelope.body.type !== 'pre-prepare' || released.has(flight)) return false;
    held.push(flight);
    return true;
  };
  const release = (): void => {
    const first = held[0];
    if (first === undefined) return;
    // One proposal (its copies to every backup) per round.
    const round = held.filter((f) => f.envelope === first.envelope);
    for (const flight of round) {
      held.splice(held.indexOf(flight), 1);
      released.add(flight);
      cluster.queue.push(flight);
    }
  };
  return { cluster, release };
}

describe('request timers under load (issue 14)', () => {
  it('a leader that decides steadily through a backlog of 1,200 requests (batch 2) is not voted out', () => {
    const roundMs = 100;
    const { cluster, release } = pacedCluster();
    for (let i = 0; i < 1200; i += 1) cluster.submitAll(cluster.request('load', i));
    // 600 rounds of 100 ms: the last request waits 60 s, 75× the 800 ms forward + complain budget.
    for (let t = 0; t < 62_000; t += roundMs) {
      release();
      cluster.advance(roundMs, 50);
    }
    expect(cluster.heights()).toEqual([600, 600, 600, 600]);
    expect(cluster.replicas.map((r) => r.status.counters.viewChangesStarted)).toEqual([0, 0, 0, 0]);
    expect(cluster.replicas.map((r) => r.status.view)).toEqual([0, 0, 0, 0]);
  }, 60_000);

  it('still votes out a leader that keeps deciding but never orders one forwarded request', () => {
    const { cluster, release } = pacedCluster();
    // The censored request never reaches the leader (the client and the relays to it are cut).
    const censored = cluster.request('victim', 1);
    const paced = cluster.drop;
    cluster.drop = (flight) => (flight.to === 0 && flight.envelope.body.type === 'forward') || paced(flight);
    for (const id of [1, 2, 3]) cluster.submit(id, censored);
    for (let t = 0, i = 0; t < 6_000; t += 100, i += 1) {
      cluster.submitAll(cluster.request('busy', i));
      release();
      cluster.advance(100, 50);
    }
    expect(cluster.replicas[1]!.status.view).toBeGreaterThanOrEqual(1);
    const assembler = new SimAssembler(sha256Hasher);
    const ordered = cluster.ledgers[1]!.flatMap((d) => assembler.disassemble(d.proposal) ?? []);
    expect(ordered.some((request) => Buffer.from(request).equals(Buffer.from(censored)))).toBe(true);
  });
});
