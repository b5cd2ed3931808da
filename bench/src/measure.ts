/**
 * Core speed of the LR algorithm: `measureSpeed` on ~1,500-sample readings (decoded once, no
 * signature check), one core. Prints the wall-clock rate of the current version, then CPU-time
 * rates (process.cpuUsage) of 1.1.0 and 1.2.0 over interleaved passes, with the load average:
 * on a shared machine wall time counts the other processes, CPU time much less so.
 *
 *   npm run bench:measure -w bench [-- --seconds 5 --passes 9]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createDataset } from '@speedledger/datasets';
import { decodeDlr1, LR_ALGORITHM_V1_1_0, LR_ALGORITHM_V1_2_0, measureSpeed, type LrAlgorithmVersion, type SiteParameters } from '@speedledger/lr-chaincode/core';
import { machineLine, measureRate } from './harness.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, passes: { type: 'string', default: '9' } }, strict: true });
const seconds = Number(values.seconds);
const passes = Number(values.passes);

interface Item {
  signal: { loopA: Uint16Array; loopB: Uint16Array; sampleRateHz: number };
  site: SiteParameters;
}

function datasetItems(): { items: Item[]; source: string } {
  const dataset = createDataset({ meters: 10, readings: 400, seed: 7, mix: 'default' });
  const sites = new Map(dataset.fleet.meters.map((m) => [m.meterId, m.site]));
  const items: Item[] = [];
  for (const r of dataset.readings()) {
    const d = decodeDlr1(r.bytes);
    if (!d.ok || d.reading.n < 1200 || d.reading.n > 1800) continue;
    items.push({ signal: d.reading, site: sites.get(r.truth.meterId)! });
  }
  if (items.length < 20) throw new Error(`only ${items.length} dataset readings have 1,200–1,800 samples`);
  return { items, source: `datasets default mix, seed 7, readings with 1,200–1,800 samples` };
}

const { items, source } = datasetItems();
const meanN = items.reduce((s, it) => s + it.signal.loopA.length, 0) / items.length;
// Counted once, outside the timed loop, so the figure says what share of the work was full measurements.
const accepted = items.filter((it) => measureSpeed(it.signal, it.site).ok).length;
const result = measureRate((i) => {
  const item = items[i % items.length]!;
  measureSpeed(item.signal, item.site);
}, seconds);
process.stdout.write(`${machineLine()}\n`);
process.stdout.write(`readings: ${items.length} distinct, mean ${meanN.toFixed(0)} samples per loop, from ${source}\n`);
process.stdout.write(`measureSpeed: ${result.perSecond.toFixed(0)} readings/s on one core (${result.operations} in ${result.seconds.toFixed(1)} s; ${accepted} of the ${items.length} readings accepted)\n`);

/** Readings per CPU-second of one pass over every item (three times) with `version`. */
function cpuPass(version: LrAlgorithmVersion): number {
  const start = process.cpuUsage();
  let count = 0;
  for (let r = 0; r < 3; r++) {
    for (const item of items) {
      measureSpeed(item.signal, item.site, version);
      count++;
    }
  }
  const used = process.cpuUsage(start);
  return count / ((used.user + used.system) / 1e6);
}
const medianOf = (xs: number[]): number => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
const old: number[] = [];
const now: number[] = [];
for (let p = 0; p < passes; p++) {
  old.push(cpuPass(LR_ALGORITHM_V1_1_0));
  now.push(cpuPass(LR_ALGORITHM_V1_2_0));
}
const load = loadavg().map((x) => x.toFixed(1)).join(' / ');
process.stdout.write(
  `CPU time, median of ${passes} interleaved passes: ${LR_ALGORITHM_V1_1_0} ${medianOf(old).toFixed(0)} readings/s, ` +
    `${LR_ALGORITHM_V1_2_0} ${medianOf(now).toFixed(0)} readings/s (ratio ${(medianOf(now) / medianOf(old)).toFixed(2)}); load average ${load}\n`,
);
