#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { scenarioForSeed, SCENARIO_KINDS, type ScenarioKind, type ScenarioOptions } from './scenario.js';
import { formatFailure, formatTrace, replayCommand, runSeeds } from './run-seeds.js';
import { runSimulation } from './simulator.js';

const USAGE = `usage: npm run sim -w orderer-bft -- (--seeds N [--from K] | --seed S) [--kind KIND] [--n N]
                                      [--unsafe-weak-quorum] [--unsafe-early-new-view]
  --seeds N             run seeds K .. K+N-1 (default K = 0); exit 1 if any breaks an invariant
  --seed S              replay one seed and print its trace summary
  --kind KIND           force the scenario kind (${SCENARIO_KINDS.join(', ')})
  --n N                 force the replica count (1, 4, 7, 10)
  --unsafe-weak-quorum  TEST ONLY: f+1 quorums, to watch the checker catch the violation
  --unsafe-early-new-view  TEST ONLY: the host sends NEW-VIEW before its WAL record is durable (issue 14's bug)`;

/** Simulator entry point; returns the exit code. */
export function main(argv: string[], out: (line: string) => void, err: (line: string) => void): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        seeds: { type: 'string' }, from: { type: 'string' }, seed: { type: 'string' }, kind: { type: 'string' },
        n: { type: 'string' }, 'unsafe-weak-quorum': { type: 'boolean' }, 'unsafe-early-new-view': { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help === true) {
    out(USAGE);
    return 0;
  }
  const int = (text: string | undefined): number | undefined =>
    text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
  const kind = values.kind as ScenarioKind | undefined;
  const n = int(values.n);
  if ((kind !== undefined && !SCENARIO_KINDS.includes(kind)) || (values.n !== undefined && (n === undefined || n % 3 !== 1))) {
    err(USAGE);
    return 2;
  }
  const options: ScenarioOptions = {
    ...(kind === undefined ? {} : { kind }), ...(n === undefined ? {} : { n }),
    unsafeWeakQuorum: values['unsafe-weak-quorum'] === true,
    ...(values['unsafe-early-new-view'] === true ? { unsafeEarlyNewView: true } : {}),
  };
  const seed = int(values.seed);
  if (seed !== undefined) {
    const result = runSimulation(scenarioForSeed(seed, options));
    out(formatTrace(result));
    if (result.violations.length > 0) out(`  replay: ${replayCommand(seed, options)}`);
    return result.violations.length === 0 ? 0 : 1;
  }
  const count = int(values.seeds);
  const from = int(values.from) ?? 0;
  if (count === undefined || (values.from !== undefined && int(values.from) === undefined)) {
    err(USAGE);
    return 2;
  }
  const started = Date.now();
  const failures = runSeeds(from, count, options);
  for (const failure of failures) err(formatFailure(failure, options));
  out(`${count - failures.length}/${count} seeds passed (seeds ${from}..${from + count - 1}, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return failures.length === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = main(process.argv.slice(2), (line) => console.log(line), (line) => console.error(line));
}
