/**
 * Core speed of the LR algorithm: `measureSpeed` on ~1,500-sample readings (decoded once, no
 * signature check), one core.
 *
 *   npm run bench:measure -w bench [-- --seconds 5]
 */
import { parseArgs } from 'node:util';
import { decodeDlr1, measureSpeed, type SiteParameters } from '@speedledger/lr-chaincode/core';
import { loadCreateDataset } from './accuracy/datasets-api.js';
import { machineLine, measureRate } from './harness.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' } }, strict: true });
const seconds = Number(values.seconds);

interface Item {
  signal: { loopA: Uint16Array; loopB: Uint16Array; sampleRateHz: number };
  site: SiteParameters;
}

/** A self-contained fallback: raised-cosine car passes of 1,500 samples at 1 kHz. */
function syntheticItems(): Item[] {
  const items: Item[] = [];
  const site: SiteParameters = { spacingMm: 3600, loopLengthMm: 1800, sampleRateHz: 1000, speedLimitKmh: 60, location: 'bench' };
  for (let k = 0; k < 64; k++) {
    const speed = (30 + k) / 3.6;
    const shift = 3.6 / speed;
    const width = (4.5 + 1.8) / speed;
    const loop = (centre: number, base: number): Uint16Array => {
      const out = new Uint16Array(1500);
      for (let i = 0; i < 1500; i++) {
        const x = (i / 1000 - centre) / width;
        const bump = x > -0.5 && x < 0.5 ? 0.5 + 0.5 * Math.cos(2 * Math.PI * x) : 0;
        out[i] = Math.round(base + 3000 * bump + ((i * 7919 + k * 104729) % 17) - 8);
      }
      return out;
    };
    items.push({ signal: { loopA: loop(0.6, 25000), loopB: loop(0.6 + shift, 31000), sampleRateHz: 1000 }, site });
  }
  return items;
}

async function datasetItems(): Promise<{ items: Item[]; source: string }> {
  const createDataset = await loadCreateDataset();
  if (typeof createDataset === 'string') return { items: syntheticItems(), source: `synthetic raised-cosine passes (${createDataset})` };
  const dataset = createDataset({ meters: 10, readings: 400, seed: 7, mix: 'default' });
  const sites = new Map(dataset.fleet.meters.map((m) => [m.meterId, m.site]));
  const items: Item[] = [];
  for (const r of dataset.readings()) {
    const d = decodeDlr1(r.bytes);
    if (!d.ok || d.reading.n < 1200 || d.reading.n > 1800) continue;
    items.push({ signal: d.reading, site: sites.get(r.truth.meterId)! });
  }
  if (items.length < 20) return { items: syntheticItems(), source: 'synthetic raised-cosine passes (too few 1,200–1,800-sample dataset readings)' };
  return { items, source: `datasets default mix, seed 7, readings with 1,200–1,800 samples` };
}

const { items, source } = await datasetItems();
const meanN = items.reduce((s, it) => s + it.signal.loopA.length, 0) / items.length;
let accepted = 0;
const result = measureRate((i) => {
  if (measureSpeed(items[i % items.length]!.signal, items[i % items.length]!.site).ok) accepted++;
}, seconds);
process.stdout.write(`${machineLine()}\n`);
process.stdout.write(`readings: ${items.length} distinct, mean ${meanN.toFixed(0)} samples per loop, from ${source}\n`);
process.stdout.write(`measureSpeed: ${result.perSecond.toFixed(0)} readings/s on one core (${result.operations} in ${result.seconds.toFixed(1)} s; ${accepted} accepted)\n`);
