import { expect } from 'vitest';
import { formatFailure, runSeeds } from '../run-seeds.js';

/** Seeds per `it` block: small enough that a failure points at a short range. */
export const SEED_CHUNK = 100;
/** Per-chunk timeout on a shared 2-core machine. */
export const SEED_CHUNK_TIMEOUT_MS = 120_000;

/** Runs one chunk of seeds; the failure message carries each seed and its replay command. */
export function expectSeedsPass(from: number): void {
  const failures = runSeeds(from, SEED_CHUNK);
  expect(failures.map((f) => formatFailure(f)).join('\n')).toBe('');
}
