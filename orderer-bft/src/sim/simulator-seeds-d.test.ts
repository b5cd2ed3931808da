import { describe, it } from 'vitest';
import { expectSeedsPass, SEED_CHUNK, SEED_CHUNK_TIMEOUT_MS } from './test-support/seed-chunks.js';

describe('simulator: seeds 3500–4999', () => {
  for (let from = 3500; from < 5000; from += SEED_CHUNK) {
    it(`seeds ${from}–${from + SEED_CHUNK - 1} keep every invariant`, () => expectSeedsPass(from), SEED_CHUNK_TIMEOUT_MS);
  }
});
