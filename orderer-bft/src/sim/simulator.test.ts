import { describe, expect, it } from 'vitest';
import { formatFailure, runSeeds } from './run-seeds.js';
import { expectSeedsPass, SEED_CHUNK, SEED_CHUNK_TIMEOUT_MS } from './test-support/seed-chunks.js';
import { scenarioForSeed, SCENARIO_KINDS, type ByzantineBehaviour, type ScenarioKind } from './scenario.js';
import { runSimulation } from './simulator.js';

const TIMEOUT = SEED_CHUNK_TIMEOUT_MS;

describe('simulator: seeds 0–999', () => {
  for (let from = 0; from < 1000; from += SEED_CHUNK) {
    it(`seeds ${from}–${from + SEED_CHUNK - 1} keep every invariant`, () => expectSeedsPass(from), TIMEOUT);
  }
});

describe('simulator: scenario coverage of the CI seeds (0–4999)', () => {
  const scenarios = Array.from({ length: 5000 }, (_, seed) => scenarioForSeed(seed));

  it('covers every scenario kind and n = 1, 4, 7, 10', () => {
    expect([...new Set(scenarios.map((s) => s.kind))].sort()).toEqual([...SCENARIO_KINDS].sort());
    expect([...new Set(scenarios.map((s) => s.n))].sort((a, b) => a - b)).toEqual([1, 4, 7, 10]);
  });

  it('combines honest crashes with every Byzantine behaviour, at n = 4 and n = 7', () => {
    const combined = new Set<string>();
    for (const s of scenarios) {
      if (s.crashes.length === 0) continue;
      for (const behaviour of s.byzantine.values()) combined.add(`${behaviour}/${s.n}`);
    }
    const behaviours: ByzantineBehaviour[] = ['twins', 'silent', 'forger', 'replayer', 'liar', 'equivocator', 'two-faced'];
    for (const behaviour of behaviours) for (const n of [4, 7]) expect(combined).toContain(`${behaviour}/${n}`);
  });

  it('aims crashes at every fsync and send window, and places twins at every position', () => {
    const aims = new Set(scenarios.flatMap((s) => s.crashes.map((c) => (c.aim === undefined ? 'plain' : `${c.aim.trigger}:${'record' in c.aim ? c.aim.record : c.aim.message}`))));
    for (const record of ['pre-prepare', 'prepared', 'view-change', 'new-view', 'decision', 'checkpoint']) expect(aims).toContain(`persist:${record}`);
    for (const message of ['pre-prepare', 'prepare', 'commit', 'checkpoint', 'view-change', 'new-view']) expect(aims).toContain(`send:${message}`);
    expect(aims).toContain('plain');
    const twins = new Set(scenarios.flatMap((s) => [...s.byzantine].filter(([, b]) => b === 'twins').map(([id]) => `${id}/${s.n}`)));
    for (let id = 0; id < 7; id += 1) expect(twins).toContain(`${id}/7`);
  });
});

describe('simulator: runs', () => {
  it('replays a seed identically', () => {
    const a = runSimulation(scenarioForSeed(4242));
    const b = runSimulation(scenarioForSeed(4242));
    expect(a.trace).toEqual(b.trace);
  });

  it('exercises the Byzantine defences and fault windows it claims to', () => {
    const total = (kind: ScenarioKind, pick: (r: ReturnType<typeof runSimulation>) => number): number => {
      let sum = 0;
      for (let seed = 0; seed < 20; seed += 1) sum += pick(runSimulation(scenarioForSeed(seed, { kind })));
      return sum;
    };
    const counter = (name: string) => (r: ReturnType<typeof runSimulation>): number => r.trace.counters[name] ?? 0;
    expect(total('forger', counter('invalidSignature'))).toBeGreaterThan(0);
    expect(total('forger', counter('malformed'))).toBeGreaterThan(0);
    expect(total('replayer', counter('stale'))).toBeGreaterThan(0);
    expect(total('lying-view-change', (r) => counter('rejectedViewChanges')(r) + counter('rejectedNewViews')(r))).toBeGreaterThan(0);
    expect(total('equivocating-leader', counter('viewChangesStarted'))).toBeGreaterThan(0);
    // Equivocators vote on every proposal and help new leaders; two-faced leaders send second NEW-VIEWs.
    expect(total('equivocating-voter', (r) => r.trace.adversaryAnswers)).toBeGreaterThan(0);
    expect(total('two-faced-new-view', (r) => r.trace.adversaryAnswers)).toBeGreaterThan(0);
    expect(total('crash-restart', counter('stateTransfers'))).toBeGreaterThan(0);
    expect(total('crash-restart', (r) => r.trace.aimedCrashes)).toBeGreaterThan(0);
    expect(total('two-faced-new-view', (r) => r.trace.crashes)).toBeGreaterThan(0);
  }, TIMEOUT);
});

describe('simulator: the checker can fail', () => {
  it('catches the agreement violation of the deliberately broken f+1 quorum', () => {
    const failures = runSeeds(0, 20, { kind: 'equivocating-leader', unsafeWeakQuorum: true });
    const invariants = new Set(failures.flatMap((f) => f.result.violations.map((v) => v.invariant)));
    expect(failures.length).toBeGreaterThan(0);
    expect(invariants.has('agreement')).toBe(true);
  }, TIMEOUT);

  it('finds issue 14 on its own: with NEW-VIEW sent before its record is durable, a violation within 60 seeds', () => {
    const options = { kind: 'equivocating-voter', unsafeEarlyNewView: true } as const;
    const failures = runSeeds(0, 60, options);
    expect(failures.length, 'no seed of 0–59 found the early NEW-VIEW bug').toBeGreaterThan(0);
    const first = failures[0]!;
    expect(first.result.violations.map((v) => v.invariant)).toContain('equivocation');
    expect(formatFailure(first, options)).toContain(`--seed ${first.seed} --kind equivocating-voter --unsafe-early-new-view`);
  }, TIMEOUT);
});
