/**
 * `npm run fuzz -- --target <name|all> --time <seconds> [--seed n] [--per-input-ms n] [--save]`:
 * the long-run fuzz command. `--save` adds the inputs that found new coverage to the committed
 * corpus; `--write-seeds` (re)writes the seed inputs; `--list` prints the targets. Exit code 1
 * when any target has a finding (each is written to fuzz/findings/<target>/).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fuzz, readCorpus } from './coverage-fuzzer.js';
import { FUZZ_TARGETS } from './fuzz-targets.js';
import { seedCorpus } from './seed-corpus.js';

/** `orderer-bft/fuzz/`: committed corpus and (uncommitted) findings. */
export const FUZZ_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fuzz');

const name = (input: Uint8Array): string => createHash('sha256').update(input).digest('hex').slice(0, 16);

async function writeInputs(dir: string, inputs: readonly Uint8Array[], prefix: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const input of inputs) await writeFile(join(dir, `${prefix}-${name(input)}.bin`), input);
}

async function main(argv: readonly string[]): Promise<number> {
  const arg = (flag: string): string | undefined => {
    const at = argv.indexOf(flag);
    return at < 0 ? undefined : argv[at + 1];
  };
  if (argv.includes('--list')) {
    for (const target of FUZZ_TARGETS) process.stdout.write(`${target.name}\n`);
    return 0;
  }
  if (argv.includes('--write-seeds')) {
    const seeds = seedCorpus();
    seeds['control.unbounded-SeekInfo'] = seeds['orderer.SeekInfo']!;
    for (const [target, inputs] of Object.entries(seeds)) await writeInputs(join(FUZZ_DIR, 'corpus', target), inputs, 'seed');
    return 0;
  }
  const which = arg('--target') ?? 'all';
  const targets = which === 'all' ? FUZZ_TARGETS.filter((t) => t.control !== true).map((t) => t.name) : [which];
  const unknown = targets.filter((t) => !FUZZ_TARGETS.some((f) => f.name === t));
  if (unknown.length > 0) {
    process.stderr.write(`unknown fuzz target ${unknown.join(', ')}; --list shows them\n`);
    return 2;
  }
  const seconds = Number(arg('--time') ?? '60');
  if (!(seconds > 0)) {
    process.stderr.write('--time must be a positive number of seconds\n');
    return 2;
  }
  const seed = Number(arg('--seed') ?? Date.now() % 2 ** 31);
  const perInputMs = Number(arg('--per-input-ms') ?? '2000');
  let failed = false;
  for (const target of targets) {
    const corpusDir = join(FUZZ_DIR, 'corpus', target);
    const corpus = await readCorpus(corpusDir);
    const report = await fuzz({ target, corpus, timeMs: (seconds * 1000) / targets.length, perInputMs, seed });
    process.stdout.write(`${target}: ${report.runs} runs, ${report.blocks} blocks, corpus ${corpus.length} → ${report.corpus.length}, ${report.findings.length} findings (seed ${seed})\n`);
    if (argv.includes('--save')) await writeInputs(corpusDir, report.corpus.slice(corpus.length), 'cov');
    if (report.findings.length > 0) {
      failed = true;
      for (const finding of report.findings) process.stdout.write(`  ${finding.kind}: ${finding.detail} input=${Buffer.from(finding.input).toString('hex').slice(0, 200)}\n`);
      await writeInputs(join(FUZZ_DIR, 'findings', target), report.findings.map((f) => f.input), 'finding');
    }
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
