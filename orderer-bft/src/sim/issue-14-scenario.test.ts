import { describe, expect, it } from 'vitest';
import { formatFailure } from './run-seeds.js';
import { scenarioForSeed, type Scenario } from './scenario.js';
import { runSimulation } from './simulator.js';

/**
 * Issue 14's cast, placed by hand; the PRNG still decides timing, requests and torn writes.
 * 0 (first leader) is isolated so that view 1 starts; 1 leads it and crashes inside the fsync
 * window of its `new-view` record; 3 is an equivocator that answers 1's re-sent VIEW-CHANGE
 * with a quorum of replayed ones. Restarted without the record, a leader whose host sent
 * NEW-VIEW early signs a second, different NEW-VIEW for view 1.
 */
function issue14(seed: number, unsafeEarlyNewView: boolean): Scenario {
  return {
    ...scenarioForSeed(seed, { kind: 'equivocating-voter', n: 4, unsafeEarlyNewView }),
    byzantine: new Map([[3, 'equivocator']]),
    crashes: [{ replica: 1, at: 700, downFor: 200, aim: { trigger: 'persist', record: 'new-view' } }],
    partition: { isolated: [0], from: 200, until: 1500 },
  };
}

describe('issue 14 scenario in the simulator', () => {
  const seeds = Array.from({ length: 30 }, (_, i) => i);

  it('with the NEW-VIEW sent before it is durable, the checker flags the second NEW-VIEW the restarted leader signs', () => {
    const failing = seeds.map((seed) => runSimulation(issue14(seed, true))).filter((r) => r.violations.length > 0);
    expect(failing.length).toBeGreaterThan(0);
    for (const result of failing) {
      expect(result.violations.some((v) => v.invariant === 'equivocation' && v.replica === 1), formatFailure({ seed: result.scenario.seed, result })).toBe(true);
    }
  }, 120_000);

  it('with the fixed core, the same runs keep every invariant, liveness included', () => {
    for (const seed of seeds) {
      const result = runSimulation(issue14(seed, false));
      expect(result.violations, formatFailure({ seed, result })).toEqual([]);
      expect(result.trace.aimedCrashes).toBe(1);
    }
  }, 120_000);
});
