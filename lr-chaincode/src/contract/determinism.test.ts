import '../test-support/quiet-logs.js';
import { describe, expect, it } from 'vitest';
import { generatePass } from '../core/test-support/loop-signal-generator.js';
import type { InvocationResult } from '../test-support/chaincode-harness.js';
import { createTestMeter } from '../test-support/test-meter.js';
import { expectOk, startTestNetwork } from '../test-support/test-network.js';
import { contracts } from './index.js';

const site = JSON.stringify({ spacingMm: 3600, loopLengthMm: 1800, sampleRateHz: 1000, speedLimitKmh: 80, location: 'Rod. dos Bandeirantes km 30' });

async function endorser() {
  const network = await startTestNetwork({ contracts, quorum: 1 });
  const meter = createTestMeter('SP-DET');
  expectOk(await network.harness.submit(network.ids.inmetroRegistrar, 'MeterRegistry:RegisterMeter', ['SP-DET', meter.publicKeyHex, site]));
  return { ...network, meter };
}

function writeSet(result: InvocationResult): string {
  return JSON.stringify({
    writes: result.rwset.writes.map((w) => [w.key, w.value?.toString('base64') ?? null]),
    meta: result.rwset.metadataWrites.map((m) => [m.key, m.name, m.value.toString('base64')]),
  });
}

describe('determinism across endorsers', () => {
  it('two independent harnesses executing the same signed proposal produce byte-identical write sets, payloads and events', async () => {
    const a = await endorser();
    const b = await endorser();
    const readings = [97, 133, 61].map((speedKmh, i) => {
      const p = generatePass({ seed: 300 + i, speedKmh, cls: i === 1 ? 'truck-trailer' : 'car' });
      return Buffer.from(a.meter.reading({ seq: BigInt(i + 1), t0Us: 1_772_366_400_000_000n + BigInt(i), sampleRateHz: p.sampleRateHz, loopA: p.loopA, loopB: p.loopB })).toString('base64');
    });
    const proposal = a.harness.proposal(a.ids.cityOperator, 'SpeedMeasurement:SubmitReadings', [JSON.stringify(readings)]);
    const [ra, rb] = [expectOk(await a.harness.execute(proposal)), expectOk(await b.harness.execute(proposal))];
    expect(ra.rwset.writes.length).toBeGreaterThanOrEqual(6);
    expect(writeSet(rb)).toBe(writeSet(ra));
    expect(rb.payload.equals(ra.payload)).toBe(true);
    expect(rb.event!.payload.equals(ra.event!.payload)).toBe(true);
    // Values are canonical JSON: sorted keys, integers only.
    for (const w of ra.rwset.writes) {
      const text = w.value!.toString();
      const numbers: number[] = [];
      JSON.parse(text, (_k, v: unknown) => (typeof v === 'number' && numbers.push(v), v));
      expect(numbers.every(Number.isSafeInteger)).toBe(true);
      const sorted = (v: unknown): unknown =>
        v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
      expect(JSON.stringify(sorted(JSON.parse(text)))).toBe(text);
    }
  });
});
