import { describeScenario, scenarioForSeed, type ScenarioOptions } from './scenario.js';
import { runSimulation, type SimulationResult } from './simulator.js';

/** A seed whose run broke an invariant. */
export interface SeedFailure {
  readonly seed: number;
  readonly result: SimulationResult;
}

/** Runs seeds [from, from + count) and collects the failures. */
export function runSeeds(from: number, count: number, options: ScenarioOptions = {}): SeedFailure[] {
  const failures: SeedFailure[] = [];
  for (let seed = from; seed < from + count; seed += 1) {
    const result = runSimulation(scenarioForSeed(seed, options));
    if (result.violations.length > 0) failures.push({ seed, result });
  }
  return failures;
}

/** The failure report: seed, scenario, first violations and the command that replays it. */
export function formatFailure({ seed, result }: SeedFailure, options: ScenarioOptions = {}): string {
  const lines = [
    `seed ${seed} FAILED: ${describeScenario(result.scenario)}`,
    ...result.violations.slice(0, 5).map((v) => `  ${v.invariant} at t=${v.at.toFixed(1)} replica=${v.replica ?? '-'}: ${v.detail}`),
    `  replay: ${replayCommand(seed, options)}`,
  ];
  return lines.join('\n');
}

/** The command that replays `seed` with the same forced options. */
export function replayCommand(seed: number, options: ScenarioOptions = {}): string {
  const extra = [
    options.kind === undefined ? '' : ` --kind ${options.kind}`,
    options.n === undefined ? '' : ` --n ${options.n}`,
    options.unsafeWeakQuorum === true ? ' --unsafe-weak-quorum' : '',
    options.unsafeEarlyNewView === true ? ' --unsafe-early-new-view' : '',
  ].join('');
  return `npm run sim -w orderer-bft -- --seed ${seed}${extra}`;
}

/** Human-readable summary of one run. */
export function formatTrace(result: SimulationResult): string {
  const t = result.trace;
  const counters = Object.entries(t.counters).filter(([, v]) => v > 0).map(([k, v]) => `${k}=${v}`).join(' ');
  return [
    `seed ${result.scenario.seed}: ${describeScenario(result.scenario)}`,
    `  events=${t.events} sent=${t.messagesSent} dropped=${t.messagesDropped} duplicated=${t.messagesDuplicated} ` +
      `crashes=${t.crashes} (aimed ${t.aimedCrashes})`,
    `  requests=${t.requests} height=${t.height} highestView=${t.highestView} ` +
      `allDeliveredAt=${t.allDeliveredAt === undefined ? 'never' : t.allDeliveredAt.toFixed(1)} endedAt=${t.endedAt.toFixed(1)}`,
    `  counters: ${counters || 'none'}`,
    ...result.statuses.map((s) => `  replica ${s.id}: view=${s.view} ${s.mode} decided=${s.lastDecided} stable=${s.stableCheckpoint} pool=${s.poolSize} log=${s.logSize}`),
    result.violations.length === 0 ? '  invariants: OK' : `  VIOLATIONS: ${result.violations.length}`,
    ...result.violations.slice(0, 10).map((v) => `    ${v.invariant} at t=${v.at.toFixed(1)} replica=${v.replica ?? '-'}: ${v.detail}`),
  ].join('\n');
}
