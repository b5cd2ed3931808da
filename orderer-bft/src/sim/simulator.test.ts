import { describe, expect, it } from 'vitest';
import { runSeeds } from './run-seeds.js';
import { expectSeedsPass, SEED_CHUNK, SEED_CHUNK_TIMEOUT_MS } from './test-support/seed-chunks.js';
import { scenarioForSeed, SCENARIO_KINDS } from './scenario.js';
import { runSimulation } from './simulator.js';

const CHUNK = SEED_CHUNK;
const TIMEOUT = SEED_CHUNK_TIMEOUT_MS;

describe('simulator: seeds 0–999', () => {
  for (let from = 0; from < 1000; from += CHUNK) {
    it(`seeds ${from}–${from + CHUNK - 1} keep agreement, chain, dedup and liveness`, () => expectSeedsPass(from), TIMEOUT);
  }
});

describe('simulator: scenario coverage', () => {
  it('covers every scenario kind and n = 1, 4, 7, 10 within the tested seeds', () => {
    const kinds = new Set<string>();
    const sizes = new Set<number>();
    for (let seed = 0; seed < 2000; seed += 1) {
      const scenario = scenarioForSeed(seed);
      kinds.add(scenario.kind);
      sizes.add(scenario.n);
    }
    expect([...kinds].sort()).toEqual([...SCENARIO_KINDS].sort());
    expect([...sizes].sort((a, b) => a - b)).toEqual([1, 4, 7, 10]);
  });

  it('replays a seed identically', () => {
    const a = runSimulation(scenarioForSeed(4242));
    const b = runSimulation(scenarioForSeed(4242));
    expect(a.trace).toEqual(b.trace);
  });

  it('exercises the Byzantine defences it claims to', () => {
    const count = (kind: (typeof SCENARIO_KINDS)[number], counter: string): number => {
      let total = 0;
      for (let seed = 0; seed < 20; seed += 1) total += runSimulation(scenarioForSeed(seed, { kind })).trace.counters[counter] ?? 0;
      return total;
    };
    expect(count('forger', 'invalidSignature')).toBeGreaterThan(0);
    expect(count('forger', 'malformed')).toBeGreaterThan(0);
    expect(count('replayer', 'stale')).toBeGreaterThan(0);
    expect(count('lying-view-change', 'rejectedViewChanges') + count('lying-view-change', 'rejectedNewViews')).toBeGreaterThan(0);
    expect(count('equivocating-leader', 'viewChangesStarted')).toBeGreaterThan(0);
    expect(count('crash-restart', 'stateTransfers')).toBeGreaterThan(0);
  }, TIMEOUT);
});

describe('simulator: the checker can fail', () => {
  it('catches the agreement violation of the deliberately broken f+1 quorum', () => {
    const failures = runSeeds(0, 20, { kind: 'equivocating-leader', unsafeWeakQuorum: true });
    const invariants = new Set(failures.flatMap((f) => f.result.violations.map((v) => v.invariant)));
    expect(failures.length).toBeGreaterThan(0);
    expect(invariants.has('agreement')).toBe(true);
  }, TIMEOUT);
});
