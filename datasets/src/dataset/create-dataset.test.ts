import { DLR1, decodeAndVerify, siteParameterProblems } from '@speedledger/lr-chaincode/core';
import { describe, expect, it } from 'vitest';
import { fleetKeys } from '../test-support/fleet-keys.js';
import { createDataset } from './create-dataset.js';
import { DatasetOptionsError, type DatasetOptions } from './dataset-options.js';
import type { GeneratedReading } from './manifest-entry.js';

function all(options: DatasetOptions): { readings: GeneratedReading[]; dataset: ReturnType<typeof createDataset> } {
  const dataset = createDataset(options);
  return { dataset, readings: [...dataset.readings()] };
}

function signedPart(bytes: Uint8Array): Uint8Array {
  return bytes.subarray(0, bytes.length - DLR1.SIGNATURE_BYTES);
}

describe('createDataset', () => {
  const options: DatasetOptions = { meters: 4, readings: 80, seed: 17, mix: 'hard' };
  const { dataset, readings } = all(options);

  it('is deterministic in the seed: same samples and manifest, fresh signatures', () => {
    const again = all(options).readings;
    expect(again.map((r) => r.truth)).toEqual(readings.map((r) => r.truth));
    const differing = readings.filter((r, i) => !Buffer.from(signedPart(r.bytes)).equals(signedPart(again[i]!.bytes)));
    expect(differing).toHaveLength(0);
    expect(Buffer.from(again[0]!.bytes).equals(readings[0]!.bytes)).toBe(false);
    const other = all({ ...options, seed: 18 }).readings;
    expect(other.map((r) => r.truth)).not.toEqual(readings.map((r) => r.truth));
  });

  it('produces readings that decode and verify against fleet.json keys', () => {
    expect(readings).toHaveLength(80);
    const keys = fleetKeys(dataset.fleet);
    for (const r of readings) {
      const result = decodeAndVerify(r.bytes, keys.get(r.truth.meterId)!);
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      expect(result.reading.meterId).toBe(r.truth.meterId);
      expect(result.reading.seq).toBe(BigInt(r.truth.seq));
      expect(result.reading.t0Us.toString()).toBe(r.truth.t0Us);
      expect(result.reading.sampleRateHz).toBe(1000);
      expect(r.truth.file).toBe(`readings/${r.fileName}`);
    }
    for (const m of dataset.fleet.meters) expect(siteParameterProblems(m.site)).toEqual([]);
    expect(dataset.signers.get('SP-000001')!.publicKeyHex).toBe(dataset.fleet.meters[0]!.publicKeyHex);
  });

  it('numbers each meter 1, 2, … in time order and yields readings in time order', () => {
    const byMeter = new Map<string, GeneratedReading[]>();
    for (const r of readings) byMeter.set(r.truth.meterId, [...(byMeter.get(r.truth.meterId) ?? []), r]);
    expect(byMeter.size).toBe(4);
    for (const list of byMeter.values()) {
      expect(list.map((r) => r.truth.seq)).toEqual(list.map((_, i) => i + 1));
      for (let i = 1; i < list.length; i++) expect(BigInt(list[i]!.truth.t0Us)).toBeGreaterThan(BigInt(list[i - 1]!.truth.t0Us));
    }
    for (let i = 1; i < readings.length; i++) expect(BigInt(readings[i]!.truth.t0Us)).toBeGreaterThanOrEqual(BigInt(readings[i - 1]!.truth.t0Us));
    // All on 2026-03-02, São Paulo time (03:00Z to 03:00Z next day).
    const start = BigInt(Date.parse('2026-03-02T03:00:00Z')) * 1000n;
    for (const r of readings) {
      expect(BigInt(r.truth.t0Us)).toBeGreaterThanOrEqual(start - 10_000_000n);
      expect(BigInt(r.truth.t0Us)).toBeLessThan(start + 86_400_000_000n);
    }
  });

  it('writes consistent truth for every kind', () => {
    const kinds = new Set(readings.map((r) => r.truth.kind));
    expect(kinds.size).toBeGreaterThanOrEqual(6);
    for (const { truth: t } of readings) {
      expect(t.expected === 'accepted').toBe(t.expectedReasons.length === 0);
      if (t.kind === 'clean') {
        expect(t.referenceSpeedKmh).not.toBeNull();
        expect(t.referenceSpeedKmh!).toBeGreaterThanOrEqual(5);
        expect(t.tBFrontS!).toBeGreaterThan(t.tAFrontS!);
      }
      if (t.kind === 'empty') expect(t.vehicleClass).toBeNull();
    }
  });

  it('takes readings along the day so busy hours dominate', () => {
    const { readings: day } = all({ meters: 2, readings: 300, seed: 5, mix: 'clean' });
    const start = BigInt(Date.parse('2026-03-02T03:00:00Z')) * 1000n;
    const hours = day.map((r) => Number((BigInt(r.truth.t0Us) - start) / 3_600_000_000n));
    const rush = hours.filter((h) => h === 7 || h === 8 || h === 17 || h === 18).length;
    const night = hours.filter((h) => h >= 1 && h <= 4).length;
    expect(rush).toBeGreaterThan(4 * night);
    expect(day.every((r) => r.truth.kind === 'clean' || r.truth.kind === 'out-of-range')).toBe(true);
  });

  it('honours speed range, classes and sample rate', () => {
    const { readings: sweep } = all({ meters: 2, readings: 40, seed: 9, mix: 'clean', speedRangeKmh: [100, 120], classes: ['van', 'bus'], sampleRateHz: 2000 });
    for (const r of sweep) {
      expect(['van', 'bus']).toContain(r.truth.vehicleClass);
      // Mild acceleration moves the gap-mean speed a little off the drawn cruise speed.
      expect(r.truth.referenceSpeedKmh!).toBeGreaterThan(95);
      expect(r.truth.referenceSpeedKmh!).toBeLessThan(126);
      expect(new DataView(r.bytes.buffer, r.bytes.byteOffset).getUint32(DLR1.OFFSET_SAMPLE_RATE)).toBe(2000);
    }
  });

  it('draws only the requested hard kinds', () => {
    const ds = createDataset({ meters: 2, readings: 40, seed: 9, mix: 'hard', kinds: ['stop-and-go', 'merged-pair'] });
    const kinds = new Set([...ds.readings()].map((r) => r.truth.kind));
    expect([...kinds].sort()).toEqual(['clean', 'merged-pair', 'stop-and-go']);
  });

  it.each([
    [{ meters: 0 }, 'BAD_METERS'],
    [{ readings: -1 }, 'BAD_READINGS'],
    [{ seed: 1.5 }, 'BAD_SEED'],
    [{ mix: 'chaos' }, 'BAD_MIX'],
    [{ speedRangeKmh: [50, 10] }, 'BAD_SPEED_RANGE'],
    [{ classes: ['tank'] }, 'BAD_CLASSES'],
    [{ kinds: ['clean'] }, 'BAD_KINDS'],
    [{ kinds: [] }, 'BAD_KINDS'],
    [{ sampleRateHz: 50 }, 'BAD_RATE'],
    [{ day: '2026-02-30' }, 'BAD_DAY'],
  ])('rejects %j with %s', (bad, code) => {
    const attempt = (): unknown => createDataset({ meters: 1, readings: 1, seed: 1, ...(bad as Partial<DatasetOptions>) });
    expect(attempt).toThrow(DatasetOptionsError);
    try {
      attempt();
    } catch (error) {
      expect((error as DatasetOptionsError).code).toBe(code);
    }
  });
});
