import { describe, expect, it } from 'vitest';
import { runRestartUnderLoad, type RejoinFault, type RejoinResult } from './restart-under-load.js';
import { describeScenario } from './scenario.js';

/** Simulated ms: heartbeat (500) + state-transfer delay and a few transfers, with room for one view change. */
const REJOIN_BOUND_MS = 3000;
const SEEDS = 24;
const CHUNK = 12;

function problems(r: RejoinResult): string[] {
  const out: string[] = [];
  const where = `seed ${r.scenario.seed} ${r.scenario.kind} (${describeScenario(r.scenario)}; restarted replica ${r.restartedReplica} at ${r.restartAt})`;
  const last = r.last === undefined ? '' : ` last: view ${r.last.status?.view}/${r.last.status?.mode} height ${r.last.status?.lastDecided}` +
    ` against quorum view ${r.last.quorumView} height ${r.last.quorumHeight}, counters ${JSON.stringify(r.last.status?.counters)}`;
  for (const v of r.result.violations.slice(0, 3)) out.push(`${where}: ${v.invariant} at ${v.at.toFixed(0)}: ${v.detail}`);
  if (r.rejoinedAfter === undefined) out.push(`${where}: never rejoined the quorum's view and height;${last}`);
  else if (r.rejoinedAfter > REJOIN_BOUND_MS) out.push(`${where}: rejoined only after ${r.rejoinedAfter} ms (bound ${REJOIN_BOUND_MS})`);
  if (!r.inStepAtEnd) out.push(`${where}: out of step at the end of the run;${last}`);
  return out;
}

const FAULTS: readonly [RejoinFault, string][] = [
  ['crash', 'killed (kill -9) and restarted from its WAL'],
  ['isolate', 'cut off alone (its request timers fire with nobody to hear it)'],
];

describe('simulator: a replica that falls out under continuous load rejoins (issue 17)', () => {
  for (const [fault, what] of FAULTS) {
    for (let from = 0; from < SEEDS; from += CHUNK) {
      it(`${what}, seeds ${from}–${from + CHUNK - 1}: back at the quorum's view and height within ${REJOIN_BOUND_MS} ms, still there at the end`, () => {
        const failures: string[] = [];
        for (let seed = from; seed < from + CHUNK; seed += 1) failures.push(...problems(runRestartUnderLoad(seed, fault)));
        expect(failures.join('\n')).toBe('');
      }, 120_000);
    }
  }

  it('really restarts the replica behind: it needs state transfer to come back', () => {
    const r = runRestartUnderLoad(9);
    expect(r.result.statuses[r.restartedReplica]!.counters.stateTransfers).toBeGreaterThan(0);
    expect(r.result.trace.height).toBeGreaterThan(100);
  }, 60_000);
});
