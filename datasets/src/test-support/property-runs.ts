import { expect } from 'vitest';

/**
 * fast-check parameters of one property: a fixed seed per property, so CI runs the same cases
 * every time (a random counterexample once failed a CI run), and an environment override to
 * explore by hand:
 *
 *   FC_SEED=random npx vitest run src/core/speed-profile.test.ts   # fresh seed per property, printed
 *   FC_SEED=-1709903220 FC_RUNS=400 npx vitest run ...            # replay / widen one seed
 *
 * The fixed seed is a hash of the test's full name (stable across files and runs). fast-check
 * prints the seed and the shrink path of any failure; with `FC_SEED=random` the seed is also
 * printed up front.
 */
export function propertyRuns(numRuns: number): { seed: number; numRuns: number } {
  const name = expect.getState().currentTestName ?? 'property';
  const env = process.env.FC_SEED;
  let seed: number;
  if (env === undefined || env === '') {
    // FNV-1a over the test name: a deterministic 32-bit seed.
    let h = 0x811c9dc5;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    seed = h | 0;
  } else if (env === 'random') {
    seed = (Date.now() ^ Math.floor(Math.random() * 0x100000000)) | 0;
    process.stdout.write(`fast-check seed ${seed} for "${name}"\n`);
  } else {
    seed = Number(env);
    if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", got ${env}`);
  }
  const runs = process.env.FC_RUNS ? Number(process.env.FC_RUNS) : numRuns;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`FC_RUNS must be a positive integer, got ${process.env.FC_RUNS}`);
  return { seed, numRuns: runs };
}
