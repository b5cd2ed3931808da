/**
 * Signing throughput of the simulated fleet: how many signed DLR1 readings per second the
 * streaming source produces on one core (physics + layout + ECDSA P-256), with no pacing.
 *
 *   npm run bench:signing -w bench [-- --meters 1000 --seconds 10 --seed 1]
 */
import { parseArgs } from 'node:util';
import { createReadingStream, deriveMeterSigner } from '@speedledger/datasets';
import { machineLine, measureRate } from './harness.js';

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

console.log(machineLine());
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
    meters,
    readings: count,
    seconds: Number(elapsed.toFixed(3)),
    readingsPerSecond: Math.round(count / elapsed),
    meanSamplesPerChannel: Math.round(samples / count),
    megabytesPerSecond: Number((bytes / elapsed / 1e6).toFixed(1)),
  }),
);

// For scale: the ECDSA signature alone on a payload of the mean size.
const signer = deriveMeterSigner(1, 'BENCH-1');
const payload = new Uint8Array(80 + 4 * Math.round(samples / count));
const signOnly = measureRate(() => signer.sign(payload), 2);
console.log(JSON.stringify({ bench: 'sign-only', payloadBytes: payload.length, signaturesPerSecond: Math.round(signOnly.perSecond) }));
