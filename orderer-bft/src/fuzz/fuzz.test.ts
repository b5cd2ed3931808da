import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPackage, packageDir } from '../runtime/test-support/live-replicas.js';
import { FUZZ_TARGETS } from './fuzz-targets.js';

/*
 * The CI-sized fuzz run: every target from its committed corpus (fuzz/corpus/<target>/) for
 * ~0.5 s each, ~20 s in all, seeded; the long run is `npm run fuzz -- --target X --time 600`.
 * The worker threads run the built code, so the package is compiled first.
 */
const SEED = 20_261_203;
const PER_TARGET_MS = 500;
type Fuzzer = typeof import('./coverage-fuzzer.js');
let fuzzer: Fuzzer;

beforeAll(async () => {
  buildPackage();
  fuzzer = (await import(join(packageDir, 'dist/fuzz/coverage-fuzzer.js'))) as Fuzzer;
}, 120_000);

describe('coverage-guided fuzzing of every decode entry point', { timeout: 60_000 }, () => {
  const targets = FUZZ_TARGETS.filter((t) => t.control !== true).map((t) => t.name);

  it('has a committed corpus for every target', async () => {
    for (const target of targets) expect([target, (await fuzzer.readCorpus(join(packageDir, 'fuzz/corpus', target))).length > 0]).toEqual([target, true]);
  });

  it.each(targets)('%s: every input is answered or refused with the typed error within the bound', async (target) => {
    const corpus = await fuzzer.readCorpus(join(packageDir, 'fuzz/corpus', target));
    const report = await fuzzer.fuzz({ target, corpus, timeMs: PER_TARGET_MS, perInputMs: 2000, seed: SEED });
    const findings = report.findings.map((f) => `${f.kind} ${f.detail} ${Buffer.from(f.input).toString('hex')}`);
    expect(findings, `seed ${SEED}`).toEqual([]);
    expect(report.runs).toBeGreaterThan(corpus.length);
    expect(report.blocks).toBeGreaterThan(0);
  });

  it('the unbounded control (google-protobuf alone) is caught hanging on the issue-17 message', async () => {
    const corpus = await fuzzer.readCorpus(join(packageDir, 'fuzz/corpus/control.unbounded-SeekInfo'));
    const report = await fuzzer.fuzz({ target: 'control.unbounded-SeekInfo', corpus, timeMs: 1500, perInputMs: 300, seed: SEED, maxRuns: 3 });
    expect(report.findings.map((f) => f.kind)).toContain('hang');
  });
});
