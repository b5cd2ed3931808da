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
  'equivocating-voter',
  'two-faced-new-view',
] as const;

/** One of {@link SCENARIO_KINDS}. */
export type ScenarioKind = (typeof SCENARIO_KINDS)[number];

/**
 * How a Byzantine replica misbehaves: `twins` (two instances sharing a key, each serving half the
 * peers), `silent`, `forger`, `replayer`, `liar` (adversarial VIEW-CHANGEs and NEW-VIEWs),
 * `equivocator` (votes for every branch, helps new leaders to a quorum of chosen VIEW-CHANGEs),
 * `two-faced` (as new leader, different validly signed NEW-VIEWs to different replicas).
 */
export type ByzantineBehaviour = 'twins' | 'silent' | 'forger' | 'replayer' | 'liar' | 'equivocator' | 'two-faced';

/** WAL record kinds and message types a crash can be aimed at. */
export type CrashAim =
  /** Crash after this record is written and before its fsync is acknowledged. */
  | { readonly trigger: 'persist'; readonly record: 'pre-prepare' | 'prepared' | 'view-change' | 'new-view' | 'decision' | 'checkpoint' }
  /** Crash in the middle of sending this message (some peers get it), before the next persist is durable. */
  | { readonly trigger: 'send'; readonly message: 'pre-prepare' | 'prepare' | 'commit' | 'checkpoint' | 'view-change' | 'new-view' };

/** An honest replica's crash; it restarts from its WAL `downFor` after going down. */
export interface Crash {
  readonly replica: number;
  /** Plain crash: at this time. Aimed crash: armed from here, at the latest at `at + AIM_WINDOW`. */
  readonly at: number;
  readonly downFor: number;
  readonly aim?: CrashAim;
}

/** How long an aimed crash waits for its window before it crashes anyway. */
export const AIM_WINDOW = 1500;

/** Everything a run does, derived from the seed so that a seed replays exactly. */
export interface Scenario {
  readonly seed: number;
  readonly kind: ScenarioKind;
  readonly n: number;
  readonly f: number;
  /** Byzantine replica ids and what they do (at most f). */
  readonly byzantine: ReadonlyMap<number, ByzantineBehaviour>;
  /**
   * Honest replicas that crash and restart from their WAL, in Byzantine scenarios too (safety
   * must hold whatever the number of crashed honest replicas; liveness once they are back).
   */
  readonly crashes: readonly Crash[];
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
  /**
   * TEST ONLY: the host sends a leader's NEW-VIEW as soon as its `new-view` record is written,
   * before the fsync is acknowledged — the pre-fix behaviour of issue 14 — so the checker must
   * find the fork (or the second NEW-VIEW the restarted leader signs).
   */
  readonly unsafeEarlyNewView: boolean;
}

/** Options that override the seed's choices. */
export interface ScenarioOptions {
  readonly kind?: ScenarioKind;
  readonly n?: number;
  readonly unsafeWeakQuorum?: boolean;
  readonly unsafeEarlyNewView?: boolean;
}

const BYZANTINE_KINDS: Partial<Record<ScenarioKind, ByzantineBehaviour>> = {
  'equivocating-leader': 'twins',
  'silent-leader': 'silent',
  forger: 'forger',
  replayer: 'replayer',
  'lying-view-change': 'liar',
  'equivocating-voter': 'equivocator',
  'two-faced-new-view': 'two-faced',
};

const EXTRA_BEHAVIOURS = ['silent', 'forger', 'replayer', 'liar', 'equivocator', 'two-faced'] as const;

/** Aims weighted towards the records and messages of a view change, where issue 14 lived. */
const AIMS: readonly CrashAim[] = [
  ...(['new-view', 'new-view', 'new-view', 'view-change', 'view-change', 'prepared', 'prepared', 'pre-prepare', 'decision', 'checkpoint'] as const)
    .map((record) => ({ trigger: 'persist', record }) as const),
  ...(['new-view', 'new-view', 'new-view', 'view-change', 'view-change', 'commit', 'commit', 'prepare', 'pre-prepare', 'checkpoint'] as const)
    .map((message) => ({ trigger: 'send', message }) as const),
];

/**
 * The scenario of a seed: the kind cycles with the seed so every window of seeds covers all
 * kinds; sizes, timings and fault placement come from the seeded PRNG.
 */
export function scenarioForSeed(seed: number, options: ScenarioOptions = {}): Scenario {
  const rng = new Prng(seed);
  const kind = options.kind ?? SCENARIO_KINDS[seed % SCENARIO_KINDS.length]!;
  const behaviour = BYZANTINE_KINDS[kind];
  const n = options.n ?? (kind === 'normal' ? rng.pick([1, 4, 7, 10]) : rng.pick([4, 7]));
  const f = faultsTolerated(n);
  const healAt = 2000;
  const byzantine = new Map<number, ByzantineBehaviour>();
  let partition: Scenario['partition'];
  const crashes: Crash[] = [];
  const honest = (): number[] => [...Array(n).keys()].filter((id) => !byzantine.has(id));
  if (behaviour !== undefined) {
    byzantine.set(primaryPosition(behaviour, n, rng), behaviour);
    while (byzantine.size < f) {
      const free = honest();
      byzantine.set(rng.pick(free), rng.pick(EXTRA_BEHAVIOURS));
    }
    // View changes must meet the adversary: isolate the first leader for a while if it is honest.
    if (!byzantine.has(0) && rng.chance(0.7)) partition = { isolated: [0], from: rng.int(100, 400), until: rng.int(1200, 1800) };
    // Combined faults: honest replicas crash and restart while the Byzantine ones act.
    if (rng.chance(0.6)) crashes.push(...randomCrashes(rng, honest(), rng.int(1, f), 0.85));
    // The adversaries that exploit a new leader's restart (issue 14) need one: half their seeds
    // crash the first honest new leader in a NEW-VIEW window around the forced view change.
    if ((behaviour === 'equivocator' || behaviour === 'two-faced') && rng.chance(0.5)) crashes.push(newLeaderCrash(rng, honest()));
  } else if (kind === 'partition') {
    const isolated = rng.shuffled([...Array(n).keys()]).slice(0, rng.int(1, Math.max(1, f)));
    partition = { isolated, from: rng.int(0, 500), until: rng.int(800, 1900) };
  } else if (kind === 'crash-restart') {
    crashes.push(...randomCrashes(rng, honest(), rng.int(1, f), 0.7));
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
    unsafeEarlyNewView: options.unsafeEarlyNewView ?? false,
  };
}

/**
 * Where the seed's main adversary sits. Twins, equivocators, forgers and replayers anywhere
 * (twins also as backups, not only as leader); a silent replica as the first leader; liars
 * and two-faced replicas mostly as the leader of view 1 or 2, which the forced view change meets.
 */
function primaryPosition(behaviour: ByzantineBehaviour, n: number, rng: Prng): number {
  switch (behaviour) {
    case 'silent':
      return 0;
    case 'liar':
    case 'two-faced':
      return rng.chance(0.7) ? rng.int(1, 2) : rng.int(0, n - 1);
    default:
      return rng.int(0, n - 1);
  }
}

/**
 * `count` crashes of honest replicas, preferring the next leaders (replicas 1 and 2), most of
 * them aimed at a WAL or send window; sometimes a replica crashes twice.
 */
function randomCrashes(rng: Prng, honest: readonly number[], count: number, aimedShare: number): Crash[] {
  const crashes: Crash[] = [];
  const leaders = honest.filter((id) => id === 1 || id === 2);
  const targets = new Set<number>();
  while (targets.size < Math.min(count, honest.length)) targets.add(leaders.length > 0 && rng.chance(0.5) ? rng.pick(leaders) : rng.pick(honest));
  for (const replica of targets) {
    let at = rng.int(50, 1100);
    const times = rng.chance(0.2) ? 2 : 1;
    for (let k = 0; k < times; k += 1) {
      const downFor = rng.int(50, 600);
      const aim = rng.chance(aimedShare) ? rng.pick(AIMS) : undefined;
      crashes.push({ replica, at, downFor, ...(aim === undefined ? {} : { aim }) });
      at += (aim === undefined ? 0 : AIM_WINDOW) + downFor + rng.int(50, 300);
    }
  }
  return crashes;
}

/**
 * A crash of the first honest replica after 0 — the leader of the first view change an honest
 * replica leads — aimed at the fsync or send window of its NEW-VIEW; armed early enough that the
 * view change forced by isolating replica 0 (its request timers expire ~800 ms after) falls inside
 * the aim window.
 */
function newLeaderCrash(rng: Prng, honest: readonly number[]): Crash {
  const replica = honest.find((id) => id > 0) ?? honest[0]!;
  const aim: CrashAim = rng.chance(0.5) ? { trigger: 'persist', record: 'new-view' } : { trigger: 'send', message: 'new-view' };
  return { replica, at: rng.int(50, 600), downFor: rng.int(50, 600), aim };
}

/** One-line description for failure messages and traces. */
export function describeScenario(s: Scenario): string {
  const byz = [...s.byzantine].map(([id, b]) => `${id}:${b}`).join(',') || 'none';
  const crashes = s.crashes.map((c) => `${c.replica}@${c.at}+${c.downFor}${aimText(c.aim)}`).join(',') || 'none';
  const partition = s.partition ? `[${s.partition.isolated.join(',')}]@${s.partition.from}-${s.partition.until}` : 'none';
  return (
    `kind=${s.kind} n=${s.n} f=${s.f} byzantine=${byz} crashes=${crashes} partition=${partition} ` +
    `drop=${s.network.dropRate.toFixed(3)} dup=${s.network.duplicateRate.toFixed(3)} ` +
    `requests=${s.clients}x${s.requestsPerClient} batch=${s.batchMaxCount}${s.unsafeWeakQuorum ? ' UNSAFE-WEAK-QUORUM' : ''}` +
    `${s.unsafeEarlyNewView ? ' UNSAFE-EARLY-NEW-VIEW' : ''}`
  );
}

function aimText(aim: CrashAim | undefined): string {
  if (aim === undefined) return '';
  return aim.trigger === 'persist' ? `~persist:${aim.record}` : `~send:${aim.message}`;
}
