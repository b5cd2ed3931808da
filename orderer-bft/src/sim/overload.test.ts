import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMING } from '../core/config.js';
import { formatTrace } from './run-seeds.js';
import type { Scenario } from './scenario.js';
import { runSimulation } from './simulator.js';

/**
 * Issue 14's overload case in the simulator: an honest cluster, no faults, and a backlog far larger
 * than one round drains — every request submitted at once, batch 2, so the last ones wait many
 * times the forward + complain budget. A correct leader that keeps deciding must not be voted out.
 */
function overloadScenario(seed: number, n: number, requests: number): Scenario {
  return {
    seed, kind: 'normal', n, f: (n - 1) / 3, byzantine: new Map(), crashes: [],
    network: { minDelay: 2, jitterMean: 3, dropRate: 0, duplicateRate: 0 },
    clients: 4, requestsPerClient: requests / 4, submitWindow: 0, batchMaxCount: 2,
    healAt: 0, endAt: 60_000, unsafeWeakQuorum: false, unsafeEarlyNewView: false,
  };
}

describe('simulator: overload (issue 14)', () => {
  for (const [seed, n, requests] of [[1, 4, 600], [2, 7, 400]] as const) {
    it(`n = ${n}: ${requests} requests at once, batch 2 — all delivered, no view change`, () => {
      const result = runSimulation(overloadScenario(seed, n, requests));
      const budget = DEFAULT_TIMING.requestForwardTimeout + DEFAULT_TIMING.requestComplainTimeout;
      expect(result.violations, formatTrace(result)).toEqual([]);
      // The backlog outlasts the complain budget many times over, or this would test nothing.
      expect(result.trace.allDeliveredAt, formatTrace(result)).toBeGreaterThan(3 * budget);
      expect(result.trace.counters.viewChangesStarted, formatTrace(result)).toBe(0);
      expect(result.trace.highestView).toBe(0);
    }, 120_000);
  }
});
