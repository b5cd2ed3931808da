import { faultsTolerated } from '../core/config.js';
import { Prng } from './prng.js';

/** Every scenario kind the simulator knows. */
export const SCENARIO_KINDS = [
  'normal',
  'lossy-network',
  'partition',
  'crash-restart',
  'equivocating-leader',
  'silent-leader',
  'forger',
  'replayer',
  'lying-view-change',
] as const;

/** One of {@link SCENARIO_KINDS}. */
export type ScenarioKind = (typeof SCENARIO_KINDS)[number];

/** How a Byzantine replica misbehaves (twins = equivocating leader). */
export type ByzantineBehaviour = 'twins' | 'silent' | 'forger' | 'replayer' | 'liar';

/** Everything a run does, derived from the seed so that a seed replays exactly. */
export interface Scenario {
  readonly seed: number;
  readonly kind: ScenarioKind;
  readonly n: number;
  readonly f: number;
  /** Byzantine replica ids and what they do (at most f). */
  readonly byzantine: ReadonlyMap<number, ByzantineBehaviour>;
  /** Honest replicas that crash and restart from their WAL (never more than f faulty at once). */
  readonly crashes: readonly { readonly replica: number; readonly at: number; readonly restartAt: number }[];
  /** Replicas cut off from the rest during [from, until). */
  readonly partition?: { readonly isolated: readonly number[]; readonly from: number; readonly until: number };
  readonly network: {
    readonly minDelay: number;
    readonly jitterMean: number;
    readonly dropRate: number;
    readonly duplicateRate: number;
  };
  readonly clients: number;
  readonly requestsPerClient: number;
  readonly submitWindow: number;
  readonly batchMaxCount: number;
  /** Network faults stop here. */
  readonly healAt: number;
  /** Liveness bound: every request must be delivered by then. */
  readonly endAt: number;
  /** Test-only broken quorum (f+1); the checker must catch the resulting violations. */
  readonly unsafeWeakQuorum: boolean;
}

/** Options that override the seed's choices. */
export interface ScenarioOptions {
  readonly kind?: ScenarioKind;
  readonly n?: number;
  readonly unsafeWeakQuorum?: boolean;
}

const BYZANTINE_KINDS: Partial<Record<ScenarioKind, ByzantineBehaviour>> = {
  'equivocating-leader': 'twins',
  'silent-leader': 'silent',
  forger: 'forger',
  replayer: 'replayer',
  'lying-view-change': 'liar',
};

/**
 * The scenario of a seed: the kind cycles with the seed so every window of seeds covers all
 * kinds; sizes, timings and fault placement come from the seeded PRNG.
 */
export function scenarioForSeed(seed: number, options: ScenarioOptions = {}): Scenario {
  const rng = new Prng(seed);
  const kind = options.kind ?? SCENARIO_KINDS[seed % SCENARIO_KINDS.length]!;
  const behaviour = BYZANTINE_KINDS[kind];
  const n = options.n ?? (kind === 'normal' ? rng.pick([1, 4, 7, 10]) : behaviour !== undefined ? rng.pick([4, 7]) : rng.pick([4, 7]));
  const f = faultsTolerated(n);
  const healAt = 2000;
  const byzantine = new Map<number, ByzantineBehaviour>();
  let partition: Scenario['partition'];
  const crashes: { replica: number; at: number; restartAt: number }[] = [];
  if (behaviour !== undefined) {
    // Leader-targeting behaviours hit the first leader; the others its successors, so that
    // view changes (forced below by isolating the honest leader) meet them.
    const first = behaviour === 'twins' || behaviour === 'silent' ? 0 : 1;
    for (let k = 0; k < f; k += 1) byzantine.set(first + k, k === 0 ? behaviour : rng.pick(['silent', 'forger', 'replayer', 'liar'] as const));
    if (first === 1 && (behaviour === 'liar' || rng.chance(0.7))) partition = { isolated: [0], from: rng.int(100, 400), until: rng.int(1200, 1800) };
  } else if (kind === 'partition') {
    const isolated = rng.shuffled([...Array(n).keys()]).slice(0, rng.int(1, Math.max(1, f)));
    partition = { isolated, from: rng.int(0, 500), until: rng.int(800, 1900) };
  } else if (kind === 'crash-restart') {
    for (const replica of rng.shuffled([...Array(n).keys()]).slice(0, rng.int(1, f))) {
      const at = rng.int(50, 1200);
      crashes.push({ replica, at, restartAt: at + rng.int(100, 700) });
    }
  }
  const lossy = kind === 'lossy-network' || kind === 'partition';
  return {
    seed, kind, n, f, byzantine, crashes, ...(partition === undefined ? {} : { partition }),
    network: {
      minDelay: rng.int(1, 5),
      jitterMean: rng.int(1, 10),
      dropRate: lossy ? rng.float() * 0.15 : rng.chance(0.3) ? rng.float() * 0.02 : 0,
      duplicateRate: rng.chance(0.5) ? rng.float() * 0.05 : 0,
    },
    clients: rng.int(2, 4),
    requestsPerClient: rng.int(3, 8),
    submitWindow: rng.int(0, 1000),
    batchMaxCount: rng.int(1, 6),
    healAt,
    endAt: healAt + 20_000,
    unsafeWeakQuorum: options.unsafeWeakQuorum ?? false,
  };
}

/** One-line description for failure messages and traces. */
export function describeScenario(s: Scenario): string {
  const byz = [...s.byzantine].map(([id, b]) => `${id}:${b}`).join(',') || 'none';
  const crashes = s.crashes.map((c) => `${c.replica}@${c.at}-${c.restartAt}`).join(',') || 'none';
  const partition = s.partition ? `[${s.partition.isolated.join(',')}]@${s.partition.from}-${s.partition.until}` : 'none';
  return (
    `kind=${s.kind} n=${s.n} f=${s.f} byzantine=${byz} crashes=${crashes} partition=${partition} ` +
    `drop=${s.network.dropRate.toFixed(3)} dup=${s.network.duplicateRate.toFixed(3)} ` +
    `requests=${s.clients}x${s.requestsPerClient} batch=${s.batchMaxCount}${s.unsafeWeakQuorum ? ' UNSAFE-WEAK-QUORUM' : ''}`
  );
}
