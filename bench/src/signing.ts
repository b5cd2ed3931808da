/**
 * Signing throughput of the simulated fleet: how many signed DLR1 readings per second the
 * streaming source produces on one core (physics + layout + ECDSA P-256), with no pacing.
 *
 *   npm run bench:signing -w bench [-- --meters 1000 --seconds 10 --seed 1]
 */
import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import { createReadingStream } from '@speedledger/datasets';

const { values } = parseArgs({
  options: {
    meters: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    // 07:30 in São Paulo on a weekday: rush hour, the busiest mix of passes.
    start: { type: 'string', default: '2026-03-02T10:30:00Z' },
  },
  strict: true,
});

const meters = Number(values.meters);
const seconds = Number(values.seconds);
const stream = createReadingStream({ meters, seed: Number(values.seed), speedup: Infinity, startTime: Date.parse(values.start) });

// Warm-up so the JIT has compiled the hot loops before measuring.
let warm = 0;
for await (const _ of stream) if (++warm >= 2000) break;

let count = 0;
let samples = 0;
let bytes = 0;
const t0 = performance.now();
const deadline = t0 + seconds * 1000;
for await (const reading of stream) {
  count++;
  bytes += reading.bytes.length;
  samples += (reading.bytes.length - 144) / 4;
  if ((count & 255) === 0 && performance.now() >= deadline) break;
}
const elapsed = (performance.now() - t0) / 1000;
console.log(
  JSON.stringify({
    bench: 'signing',
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    meters,
    readings: count,
    seconds: Number(elapsed.toFixed(3)),
    readingsPerSecond: Math.round(count / elapsed),
    meanSamplesPerChannel: Math.round(samples / count),
    megabytesPerSecond: Number((bytes / elapsed / 1e6).toFixed(1)),
  }),
);
