import '../test-support/quiet-logs.js';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatePass } from '../core/test-support/loop-signal-generator.js';
import { LR_ALGORITHM_VERSION } from '../core/index.js';
import type { ChaincodeHarness, InvocationResult } from '../test-support/chaincode-harness.js';
import { createTestMeter, type TestMeter } from '../test-support/test-meter.js';
import { expectOk, payloadJson, startTestNetwork, type TestIdentities } from '../test-support/test-network.js';
import { parseContractError } from './contract-error.js';
import { contracts } from './index.js';
import type { MeasurementRecord } from './measurement-record.js';
import { assessViolation } from './violation.js';

const site = { spacingMm: 3600, loopLengthMm: 1800, sampleRateHz: 1000, speedLimitKmh: 60, location: 'Marginal Tietê km 12' };
const T0 = 1_772_366_400_000_000n; // 2026-03-01T12:00:00Z in µs

function pass(seed: number, speedKmh: number, extra: Parameters<typeof generatePass>[0] extends infer O ? Partial<O> : never = {}) {
  return generatePass({ seed, speedKmh, cls: 'car', ...extra });
}

interface Fixture {
  harness: ChaincodeHarness;
  ids: TestIdentities;
  meter: TestMeter;
  read(seq: number, speedKmh: number, options?: { t0Us?: bigint; extra?: Parameters<typeof pass>[2] }): Uint8Array;
}

async function fixture(): Promise<Fixture> {
  const { harness, ids } = await startTestNetwork({ contracts, quorum: 1 });
  const meter = createTestMeter('SP-0100');
  expectOk(await harness.submit(ids.inmetroRegistrar, 'MeterRegistry:RegisterMeter', [meter.meterId, meter.publicKeyHex, JSON.stringify(site)]));
  return {
    harness,
    ids,
    meter,
    read(seq, speedKmh, options = {}) {
      const p = pass(seq, speedKmh, options.extra);
      return meter.reading({ seq: BigInt(seq), t0Us: options.t0Us ?? T0 + BigInt(seq) * 1_000_000n, sampleRateHz: p.sampleRateHz, loopA: p.loopA, loopB: p.loopB });
    },
  };
}

function refusedCode(result: InvocationResult): string | undefined {
  expect(result.status).toBe(500);
  expect(result.rwset.writes).toEqual([]);
  expect(result.rwset.metadataWrites).toEqual([]);
  return parseContractError(result.message)?.code;
}

describe('SpeedMeasurement:SubmitReading', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture();
  });

  it('records an accepted reading with speed, tolerance, violation, digests and the LR identity', async () => {
    const bytes = f.read(1, 95);
    const result = expectOk(await f.harness.submit(f.ids.cityOperator, 'SpeedMeasurement:SubmitReading', [bytes]));
    const record = payloadJson<MeasurementRecord>(result);
    expect(record.verdict).toBe('ACCEPTED');
    expect(Math.abs(record.speedCentiKmh! - 9500)).toBeLessThan(300);
    const expected = assessViolation(record.speedCentiKmh!, site.speedLimitKmh);
    expect(record).toMatchObject({
      meterId: 'SP-0100',
      seq: '1',
      t0Us: (T0 + 1_000_000n).toString(),
      reason: null,
      speedLimitKmh: 60,
      toleranceCentiKmh: expected.toleranceCentiKmh,
      consideredSpeedCentiKmh: expected.consideredCentiKmh,
      violation: true,
      rawSha256: createHash('sha256').update(bytes).digest('hex'),
      evidenceSha256: null,
      lr: { name: 'speedledger-lr-chaincode', algorithmVersion: LR_ALGORITHM_VERSION, fingerprint: 'unbundled' },
      txId: result.txId,
      submittedBy: { mspId: 'CityOperatorMSP' },
    });
    // The record, the time index and the violation index; never the raw bytes.
    expect(result.rwset.writes).toHaveLength(3);
    expect(result.rwset.writes.some((w) => w.value!.includes(Buffer.from(bytes).subarray(80, 200)))).toBe(false);
    const event = JSON.parse(result.event!.payload.toString());
    expect(result.event!.name).toBe('ReadingSubmitted');
    expect(event.items).toEqual([{ index: 0, meterId: 'SP-0100', seq: '1', t0Us: record.t0Us, verdict: 'ACCEPTED', reason: null, speedCentiKmh: record.speedCentiKmh, violation: true, rawSha256: record.rawSha256 }]);
  });

  it('records a slow vehicle without violation and no violation index entry', async () => {
    const result = expectOk(await f.harness.submit(f.ids.cityOperator, 'SpeedMeasurement:SubmitReading', [f.read(2, 45)]));
    expect(payloadJson<MeasurementRecord>(result)).toMatchObject({ verdict: 'ACCEPTED', violation: false });
    expect(result.rwset.writes).toHaveLength(2);
  });

  it.each([
    ['NO_VEHICLE', { empty: true }],
    ['SINGLE_LOOP', { onlyLoop: 'A' as const }],
  ])('records an authentic reading the algorithm rejects as %s (invalidated, with detail)', async (reason, extra) => {
    const seq = reason === 'NO_VEHICLE' ? 3 : 4;
    const result = expectOk(await f.harness.submit(f.ids.cityOperator, 'SpeedMeasurement:SubmitReading', [f.read(seq, 60, { extra })]));
    const record = payloadJson<MeasurementRecord>(result);
    expect(record).toMatchObject({ verdict: 'INVALIDATED', reason, speedCentiKmh: null, violation: false });
    expect(record.detail).toEqual(expect.any(String));
  });

  it('records RATE_MISMATCH for a reading sampled at another rate than the site was approved with', async () => {
    const result = expectOk(await f.harness.submit(f.ids.cityOperator, 'SpeedMeasurement:SubmitReading', [f.read(5, 60, { extra: { sampleRateHz: 2000 } })]));
    expect(payloadJson<MeasurementRecord>(result)).toMatchObject({ verdict: 'INVALIDATED', reason: 'RATE_MISMATCH' });
  });

  it('refuses a replayed (meterId, seq) with REPLAYED_SEQ and writes nothing', async () => {
    expect(refusedCode(await f.harness.submit(f.ids.cityOperator, 'SpeedMeasurement:SubmitReading', [f.read(1, 95)]))).toBe('REPLAYED_SEQ');
    // Same seq, different content: still a replay.
    expect(refusedCode(await f.harness.submit(f.ids.cityOperator, 'SpeedMeasurement:SubmitReading', [f.read(1, 30)]))).toBe('REPLAYED_SEQ');
  });

  it('refuses malformed bytes, bad signatures and unknown meters, writing nothing', async () => {
    const good = f.read(50, 70);
    expect(refusedCode(await f.harness.submit(f.ids.cityOperator, 'SpeedMeasurement:SubmitReading', [good.subarray(0, good.length - 1)]))).toBe('MALFORMED');
    expect(refusedCode(await f.harness.submit(f.ids.cityOperator, 'SpeedMeasurement:SubmitReading', [Buffer.from('not a reading')]))).toBe('MALFORMED');
    const tampered = Uint8Array.from(good);
    tampered[100]! ^= 0x01;
    expect(refusedCode(await f.harness.submit(f.ids.cityOperator, 'SpeedMeasurement:SubmitReading', [tampered]))).toBe('BAD_SIGNATURE');
    const impostor = createTestMeter('SP-0100', 'another key');
    const p = pass(51, 70);
    const forged = impostor.reading({ seq: 51n, t0Us: T0, sampleRateHz: 1000, loopA: p.loopA, loopB: p.loopB });
    expect(refusedCode(await f.harness.submit(f.ids.cityOperator, 'SpeedMeasurement:SubmitReading', [forged]))).toBe('BAD_SIGNATURE');
    const stranger = createTestMeter('XX-0001');
    const unknown = stranger.reading({ seq: 1n, t0Us: T0, sampleRateHz: 1000, loopA: p.loopA, loopB: p.loopB });
    expect(refusedCode(await f.harness.submit(f.ids.cityOperator, 'SpeedMeasurement:SubmitReading', [unknown]))).toBe('UNKNOWN_METER');
  });

  it('refuses readings of a revoked meter with REVOKED_METER', async () => {
    const g = await fixture();
    expectOk(await g.harness.submit(g.ids.ptbRegistrar, 'MeterRegistry:RevokeMeter', [g.meter.meterId, 'tamper seal broken']));
    expect(refusedCode(await g.harness.submit(g.ids.cityOperator, 'SpeedMeasurement:SubmitReading', [g.read(1, 60)]))).toBe('REVOKED_METER');
  });
});

describe('SpeedMeasurement:SubmitReadings (batch)', () => {
  it('judges each reading independently, catches a replay inside the batch, and emits one event', async () => {
    const f = await fixture();
    const accepted = f.read(1, 80);
    const tampered = f.read(3, 80);
    tampered[90]! ^= 0xff;
    const stranger = createTestMeter('XX-0002').reading({ seq: 1n, t0Us: T0, ...pass(9, 50) });
    const batch = [accepted, f.read(2, 50, { extra: { empty: true } }), tampered, accepted, stranger, Buffer.from('junk')];
    const result = expectOk(await f.harness.submit(f.ids.cityOperator, 'SpeedMeasurement:SubmitReadings', [JSON.stringify(batch.map((b) => Buffer.from(b).toString('base64')))]));
    const body = payloadJson<{ results: { index: number; status: string; code?: string; record?: MeasurementRecord }[] }>(result);
    expect(body.results.map((r) => r.status === 'recorded' ? r.record!.verdict : r.code)).toEqual(['ACCEPTED', 'INVALIDATED', 'BAD_SIGNATURE', 'REPLAYED_SEQ', 'UNKNOWN_METER', 'MALFORMED']);
    // Two records (+ one time index each, + a violation index for the 80 km/h pass).
    const recordKeys = result.rwset.writes.filter((w) => w.key.startsWith('\u0000measurement'));
    expect(recordKeys).toHaveLength(2);
    expect(result.rwset.writes).toHaveLength(5);
    expect(result.event!.name).toBe('ReadingsSubmitted');
    const event = JSON.parse(result.event!.payload.toString());
    expect(event.items.map((i: { refused?: string; verdict?: string }) => i.refused ?? i.verdict)).toEqual(['ACCEPTED', 'INVALIDATED', 'BAD_SIGNATURE', 'REPLAYED_SEQ', 'UNKNOWN_METER', 'MALFORMED']);

    const replay = expectOk(await f.harness.submit(f.ids.cityOperator, 'SpeedMeasurement:SubmitReadings', [JSON.stringify([Buffer.from(accepted).toString('base64')])]));
    expect(payloadJson<{ results: { code: string }[] }>(replay).results[0]!.code).toBe('REPLAYED_SEQ');
    expect(replay.rwset.writes).toEqual([]);
  });

  it.each([
    ['not JSON', 'nope'],
    ['an empty array', '[]'],
    ['a non-string item', '[1]'],
    ['non-canonical base64', '["@@@"]'],
    ['too many items', JSON.stringify(new Array(101).fill('AA=='))],
  ])('fails the whole batch on %s with INVALID_ARGUMENT', async (_name, arg) => {
    const f = await fixture();
    expect(refusedCode(await f.harness.submit(f.ids.cityOperator, 'SpeedMeasurement:SubmitReadings', [arg]))).toBe('INVALID_ARGUMENT');
  });
});
