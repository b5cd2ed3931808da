import { describe, it } from 'vitest';
import { expectSeedsPass, SEED_CHUNK, SEED_CHUNK_TIMEOUT_MS } from './test-support/seed-chunks.js';

const CHUNK = SEED_CHUNK;
const TIMEOUT = SEED_CHUNK_TIMEOUT_MS;

describe('simulator: seeds 1000–1999', () => {
  for (let from = 1000; from < 2000; from += CHUNK) {
    it(`seeds ${from}–${from + CHUNK - 1} keep agreement, chain, dedup and liveness`, () => expectSeedsPass(from), TIMEOUT);
  }
});

