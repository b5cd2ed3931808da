/**
 * Core speed of the LR algorithm: `measureSpeed` on ~1,500-sample readings (decoded once, no
 * signature check), one core.
 *
 *   npm run bench:measure -w bench [-- --seconds 5]
 */
import { parseArgs } from 'node:util';
import { createDataset } from '@speedledger/datasets';
import { decodeDlr1, measureSpeed, type SiteParameters } from '@speedledger/lr-chaincode/core';
import { machineLine, measureRate } from './harness.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' } }, strict: true });
const seconds = Number(values.seconds);

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
