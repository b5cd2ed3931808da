import { expect } from 'vitest';
import { formatFailure, runSeeds } from '../run-seeds.js';

/** Seeds per `it` block: small enough that a failure points at a short range. */
export const SEED_CHUNK = 100;
/** Per-chunk timeout on a shared 2-core machine. */
export const SEED_CHUNK_TIMEOUT_MS = 120_000;

/**
 * CI seeds that fail on a known core bug this branch does not fix; each has a skipped, failing
 * repro in `known-core-bugs.test.ts`. Remove a seed here when its repro is un-skipped.
 */
export const KNOWN_CORE_BUG_SEEDS: ReadonlyMap<number, string> = new Map([
  [1512, 'liveness: replicas stranded in different view-changes never reconverge (known-core-bugs.test.ts)'],
]);

/** Runs one chunk of seeds; the failure message carries each seed and its replay command. */
export function expectSeedsPass(from: number): void {
  const failures = runSeeds(from, SEED_CHUNK).filter((f) => !KNOWN_CORE_BUG_SEEDS.has(f.seed));
  expect(failures.map((f) => formatFailure(f)).join('\n')).toBe('');
}
