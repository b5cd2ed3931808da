import type { ReplicaStatus } from '../core/replica.js';
import { faultsTolerated } from '../core/config.js';
import { Prng } from './prng.js';
import type { Scenario } from './scenario.js';
import { runSimulation, type SimulationResult } from './simulator.js';

/**
 * `crash`: kill -9 and restart from the WAL; `isolate`: the replica keeps running but is cut off
 * (its request timers fire with nobody to hear its view change).
 */
export type RejoinFault = 'crash' | 'isolate';

/** When the restarted replica was first back at the quorum's view and height (issue 17). */
export interface RejoinResult {
  readonly scenario: Scenario;
  readonly result: SimulationResult;
  readonly restartedReplica: number;
  readonly restartAt: number;
  /** Simulated ms after the restart; undefined if it never rejoined. */
  readonly rejoinedAfter?: number;
  /** At the end of the run it was (still) in the quorum's view and height. */
  readonly inStepAtEnd: boolean;
  /** Its status and the quorum's view/height at the last observation (for failure messages). */
  readonly last?: { readonly status?: ReplicaStatus; readonly quorumView?: number; readonly quorumHeight: number };
}

const OBSERVE_EVERY = 25;

/**
 * The issue-17 wedge as a scenario: clients submit continuously for 14 s while one replica (the
 * first leader or a backup, chosen by the seed) is killed for 1.5–4 s, long enough to miss several
 * checkpoints and, when it led, the view change that replaced it; it restarts from its WAL at an
 * older view and height.
 */
export function restartUnderLoadScenario(seed: number, fault: RejoinFault = 'crash'): Scenario {
  const rng = new Prng(BigInt(seed) * 7919n + 3n);
  const n = rng.pick([4, 4, 7]);
  const replica = rng.chance(0.5) ? 0 : rng.int(1, n - 1);
  const at = rng.int(1500, 3000);
  const until = at + rng.int(1500, 4000);
  return {
    seed, kind: fault === 'crash' ? 'crash-restart' : 'partition', n, f: faultsTolerated(n), byzantine: new Map(),
    crashes: fault === 'crash' ? [{ replica, at, downFor: until - at }] : [],
    ...(fault === 'isolate' ? { partition: { isolated: [replica], from: at, until } } : {}),
    network: {
      minDelay: rng.int(1, 5), jitterMean: rng.int(1, 10),
      dropRate: rng.chance(0.5) ? rng.float() * 0.05 : 0, duplicateRate: rng.chance(0.5) ? rng.float() * 0.05 : 0,
    },
    clients: 4, requestsPerClient: rng.int(80, 160), submitWindow: 14_000, batchMaxCount: rng.int(1, 6),
    healAt: 2000, endAt: 40_000, unsafeWeakQuorum: false, unsafeEarlyNewView: false,
  };
}

/**
 * Runs {@link restartUnderLoadScenario} and reports when the restarted replica was first in the
 * view that 2f+1 replicas share, in normal mode, and no more than one decision behind the
 * (f+1)-th highest height among the others (so behind at most what is still in flight).
 */
export function runRestartUnderLoad(seed: number, fault: RejoinFault = 'crash'): RejoinResult {
  const scenario = restartUnderLoadScenario(seed, fault);
  const first = scenario.crashes[0];
  const crash = first !== undefined
    ? { replica: first.replica, restartAt: first.at + first.downFor }
    : { replica: scenario.partition!.isolated[0]!, restartAt: scenario.partition!.until };
  let rejoinedAfter: number | undefined;
  let last: RejoinResult['last'];
  const inStep = (statuses: readonly (ReplicaStatus | undefined)[]): boolean => {
    const status = statuses[crash.replica];
    const others = statuses.filter((s, id): s is ReplicaStatus => s !== undefined && id !== crash.replica);
    const heights = others.map((s) => s.lastDecided).sort((a, b) => b - a);
    const quorumHeight = heights[scenario.f] ?? 0;
    const quorumView = viewOfQuorum(statuses, 2 * scenario.f + 1);
    last = { ...(status === undefined ? {} : { status }), ...(quorumView === undefined ? {} : { quorumView }), quorumHeight };
    return status !== undefined && quorumView !== undefined && status.mode === 'normal' && status.view === quorumView &&
      status.lastDecided >= quorumHeight - 1;
  };
  const result = runSimulation(scenario, {
    every: OBSERVE_EVERY,
    observe(now, statuses) {
      if (rejoinedAfter === undefined && now > crash.restartAt && inStep(statuses)) rejoinedAfter = now - crash.restartAt;
    },
  });
  const inStepAtEnd = inStep(result.statuses.map((s, i) => (i < scenario.n ? s : undefined)));
  return {
    scenario, result, restartedReplica: crash.replica, restartAt: crash.restartAt, inStepAtEnd,
    ...(rejoinedAfter === undefined ? {} : { rejoinedAfter }), ...(last === undefined ? {} : { last }),
  };
}

/** The view at least `quorum` replicas are installed in (normal mode), if any. */
function viewOfQuorum(statuses: readonly (ReplicaStatus | undefined)[], quorum: number): number | undefined {
  const counts = new Map<number, number>();
  for (const s of statuses) if (s !== undefined && s.mode === 'normal') counts.set(s.view, (counts.get(s.view) ?? 0) + 1);
  for (const [view, count] of counts) if (count >= quorum) return view;
  return undefined;
}
