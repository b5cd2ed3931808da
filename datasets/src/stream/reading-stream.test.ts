import { decodeAndVerify } from '@speedledger/lr-chaincode/core';
import { describe, expect, it } from 'vitest';
import { DatasetOptionsError } from '../dataset/dataset-options.js';
import type { GeneratedReading } from '../dataset/manifest-entry.js';
import { fleetKeys } from '../test-support/fleet-keys.js';
import { createReadingStream } from './reading-stream.js';

async function take(stream: AsyncIterable<GeneratedReading>, count: number): Promise<GeneratedReading[]> {
  const out: GeneratedReading[] = [];
  for await (const r of stream) {
    out.push(r);
    if (out.length >= count) break;
  }
  return out;
}

// 08:00 in São Paulo: rush hour.
const START = Date.parse('2026-03-02T11:00:00Z');

describe('createReadingStream', () => {
  it('paces readings on the injected clock: simulated time runs speedup × wall time', async () => {
    let now = 1_000_000;
    const waits: number[] = [];
    const stream = createReadingStream({
      meters: 50,
      seed: 3,
      speedup: 10,
      startTime: START,
      clock: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    const readings = await take(stream, 200);
    expect(waits.length).toBeGreaterThan(0);
    const wallS = (now - 1_000_000) / 1000;
    const simS = Number(BigInt(readings[readings.length - 1]!.truth.t0Us) - BigInt(START) * 1000n) / 1e6;
    // 50 meters at ≈ 0.76/s each ⇒ ≈ 38 readings per simulated second, 380 per wall second.
    expect(200 / wallS).toBeGreaterThan(250);
    expect(200 / wallS).toBeLessThan(500);
    expect(simS).toBeGreaterThan(0);
    expect(stream.produced).toBe(200);
  });

  it('streams valid signed readings with per-meter increasing seq, deterministically', async () => {
    const make = () => createReadingStream({ meters: 20, seed: 4, speedup: Infinity, startTime: START });
    const stream = make();
    const readings = await take(stream, 150);
    const keys = fleetKeys(stream.fleet);
    const lastSeq = new Map<string, number>();
    const lastT0 = new Map<string, bigint>();
    for (const r of readings) {
      expect(decodeAndVerify(r.bytes, keys.get(r.truth.meterId)!).ok).toBe(true);
      expect(r.truth.seq).toBe((lastSeq.get(r.truth.meterId) ?? 0) + 1);
      lastSeq.set(r.truth.meterId, r.truth.seq);
      const t0 = BigInt(r.truth.t0Us);
      expect(t0).toBeGreaterThan(lastT0.get(r.truth.meterId) ?? 0n);
      lastT0.set(r.truth.meterId, t0);
      expect(t0).toBeGreaterThan(BigInt(START - 5000) * 1000n);
    }
    expect(lastSeq.size).toBe(20);
    const again = await take(make(), 150);
    expect(again.map((r) => r.truth)).toEqual(readings.map((r) => r.truth));
  });

  it('numbers each meter from firstSeq, so a second run against the same ledger does not reuse seqs', async () => {
    const readings = await take(createReadingStream({ meters: 5, seed: 4, speedup: Infinity, startTime: START, firstSeq: 1_000_001 }), 40);
    const first = new Map<string, number>();
    for (const r of readings) if (!first.has(r.truth.meterId)) first.set(r.truth.meterId, r.truth.seq);
    expect([...first.values()]).toEqual(Array(first.size).fill(1_000_001));
    expect(() => createReadingStream({ meters: 1, seed: 1, speedup: Infinity, firstSeq: 0 })).toThrow(/firstSeq/);
  });

  it('rejects a bad speedup and a finite speedup without a clock', () => {
    expect(() => createReadingStream({ meters: 1, seed: 1, speedup: 0 })).toThrow(DatasetOptionsError);
    expect(() => createReadingStream({ meters: 1, seed: 1, speedup: 1 })).toThrow(/clock/);
  });
});
