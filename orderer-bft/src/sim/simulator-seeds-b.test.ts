import { describe, expect, it } from 'vitest';
import { formatFailure, runSeeds } from './run-seeds.js';

const CHUNK = 100;
const TIMEOUT = 60_000;

/** Runs one chunk of seeds; the failure message carries each seed and its replay command. */
function expectSeedsPass(from: number): void {
  const failures = runSeeds(from, CHUNK);
  expect(failures.map((f) => formatFailure(f)).join('\n')).toBe('');
}

describe('simulator: seeds 1000–1999', () => {
  for (let from = 1000; from < 2000; from += CHUNK) {
    it(`seeds ${from}–${from + CHUNK - 1} keep agreement, chain, dedup and liveness`, () => expectSeedsPass(from), TIMEOUT);
  }
});

