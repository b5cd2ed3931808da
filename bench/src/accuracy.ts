/**
 * Accuracy of the LR speed algorithm against the datasets simulator's ground truth. Generates
 * seeded corpora, runs decode + signature check + measurement exactly as the chaincode does,
 * and writes `lr-chaincode/ACCURACY.md` with the bar and PASS/FAIL per line.
 *
 *   npm run accuracy -w bench [-- --scale 1] [--algorithm dlr1-speed/1.1.0] [--out FILE]
 *
 * Exit status 0 when every line of the bar passes, 1 otherwise.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LR_ALGORITHM_VERSION, LR_ALGORITHM_VERSIONS, type LrAlgorithmVersion } from '@speedledger/lr-chaincode/core';
import { createDataset, type DatasetOptions } from '@speedledger/datasets';
import { renderReport, type CorpusResult } from './accuracy/report.js';
import { runCorpus } from './accuracy/run-corpus.js';
import { machineLine } from './harness.js';

const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, out: { type: 'string' }, algorithm: { type: 'string', default: LR_ALGORITHM_VERSION } }, strict: true });
const scale = Number(values.scale);
if (!(scale > 0)) {
  process.stderr.write('--scale must be a positive number\n');
  process.exit(2);
}
const algorithm = values.algorithm as LrAlgorithmVersion;
if (!(LR_ALGORITHM_VERSIONS as readonly string[]).includes(algorithm)) {
  process.stderr.write(`--algorithm must be one of ${LR_ALGORITHM_VERSIONS.join(', ')}\n`);
  process.exit(2);
}
const outPath = values.out ?? fileURLToPath(new URL('../../lr-chaincode/ACCURACY.md', import.meta.url));

const CORPORA: { name: string; options: DatasetOptions; mutateEvery?: number }[] = [
  { name: 'clean sweep 10–250 km/h, all classes', options: { meters: 20, readings: 3000, seed: 101, mix: 'clean', speedRangeKmh: [10, 250] }, mutateEvery: 10 },
  { name: 'clean sweep, motorcycles only', options: { meters: 10, readings: 600, seed: 102, mix: 'clean', speedRangeKmh: [10, 250], classes: ['motorcycle'] } },
  { name: 'clean sweep at 100 Hz', options: { meters: 5, readings: 400, seed: 105, mix: 'clean', speedRangeKmh: [10, 250], sampleRateHz: 100 } },
  { name: 'clean sweep at 5000 Hz', options: { meters: 5, readings: 300, seed: 106, mix: 'clean', speedRangeKmh: [10, 250], sampleRateHz: 5000 } },
  { name: 'traffic day, default mix', options: { meters: 20, readings: 2000, seed: 103, mix: 'default' }, mutateEvery: 10 },
  { name: 'hard mix', options: { meters: 20, readings: 2000, seed: 104, mix: 'hard' }, mutateEvery: 10 },
  { name: 'buses and coaches, clean sweep', options: { meters: 10, readings: 800, seed: 107, mix: 'clean', speedRangeKmh: [10, 250], classes: ['bus'] } },
  { name: 'stop-and-go passes, 12–40 km/h approach', options: { meters: 10, readings: 600, seed: 108, mix: 'hard', kinds: ['stop-and-go'], speedRangeKmh: [12, 40] } },
  { name: 'merged pairs, 10–150 km/h', options: { meters: 10, readings: 600, seed: 109, mix: 'hard', kinds: ['merged-pair'], speedRangeKmh: [10, 150] } },
];

const results: CorpusResult[] = [];
for (const corpus of CORPORA) {
  const options = { ...corpus.options, readings: Math.max(10, Math.round(corpus.options.readings * scale)) };
  const started = performance.now();
  const { judged, mutations } = runCorpus(createDataset(options), corpus.mutateEvery ?? 0, algorithm);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${corpus.name}: ${judged.length} readings, ${mutations.length} mutated, ${seconds.toFixed(1)} s\n`);
  results.push({ name: corpus.name, options, judged, mutations });
}

const command = `npm run accuracy -w bench${scale !== 1 ? ` -- --scale ${scale}` : ''}${algorithm !== LR_ALGORITHM_VERSION ? ` -- --algorithm ${algorithm}` : ''}`;
const { markdown, allPass, barLines } = renderReport(results, { command, machine: machineLine(), algorithm });
writeFileSync(outPath, markdown);
for (const line of barLines) process.stdout.write(`${line}\n`);
process.stdout.write(`wrote ${outPath}\n`);
process.exit(allPass ? 0 : 1);
