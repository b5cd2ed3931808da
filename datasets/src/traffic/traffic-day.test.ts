import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng.js';
import { VEHICLE_CLASSES } from '../physics/vehicle.js';
import { ArrivalProcess, MIN_HEADWAY_S } from './arrival-process.js';
import { PEAK_RATE_PER_S, SECONDS_PER_DAY, arrivalRateAt, expectedDailyVolume } from './day-profile.js';
import { saoPauloMidnightUtcUs } from './sao-paulo-time.js';
import { CLASS_SHARES, sampleTrafficSpeed, sampleVehicleClass } from './vehicle-mix.js';

function day(key: string): number[] {
  const p = new ArrivalProcess(createRng(1, key), 0);
  const out: number[] = [];
  for (let t = p.next(); t < SECONDS_PER_DAY; t = p.next()) out.push(t);
  return out;
}

describe('traffic day', () => {
  const days = [day('m1'), day('m2'), day('m3')];

  it('puts 7–8 % of the day in the peak hour, at ≈ 0.76 vehicles/s per meter', () => {
    for (const arrivals of days) {
      const perHour = new Array<number>(24).fill(0);
      for (const t of arrivals) perHour[Math.floor(t / 3600)]!++;
      const peak = Math.max(...perHour);
      const fraction = peak / arrivals.length;
      expect(fraction).toBeGreaterThan(0.07);
      expect(fraction).toBeLessThan(0.08);
      expect(peak / 3600).toBeGreaterThan(PEAK_RATE_PER_S * 0.95);
      expect(peak / 3600).toBeLessThan(PEAK_RATE_PER_S * 1.05);
      // Two rush hours: morning and evening both far above midday and night.
      const peakHour = perHour.indexOf(peak);
      expect([7, 8, 17, 18]).toContain(peakHour);
      expect(perHour[8]!).toBeGreaterThan(1.4 * perHour[13]!);
      expect(perHour[18]!).toBeGreaterThan(1.4 * perHour[13]!);
      expect(perHour[3]!).toBeLessThan(0.1 * peak);
      expect(arrivals.length).toBeGreaterThan(0.95 * expectedDailyVolume());
      expect(arrivals.length).toBeLessThan(1.05 * expectedDailyVolume());
    }
    expect(expectedDailyVolume()).toBeGreaterThan(33_000);
    expect(expectedDailyVolume()).toBeLessThan(38_000);
  });

  it('respects the minimum headway and forms platoons', () => {
    const arrivals = days[0]!;
    let short = 0;
    for (let i = 1; i < arrivals.length; i++) {
      const h = arrivals[i]! - arrivals[i - 1]!;
      expect(h).toBeGreaterThanOrEqual(MIN_HEADWAY_S);
      if (h < 1.0) short++;
    }
    // Platoon headways are frequent at busy times: well above what a Poisson stream would give.
    expect(short / arrivals.length).toBeGreaterThan(0.2);
  });

  it('knows São Paulo local midnight in UTC and rejects impossible dates', () => {
    expect(saoPauloMidnightUtcUs('2026-03-02')).toBe(BigInt(Date.parse('2026-03-02T03:00:00Z')) * 1000n);
    expect(() => saoPauloMidnightUtcUs('2026-02-30')).toThrow(RangeError);
    expect(() => saoPauloMidnightUtcUs('2.3.2026')).toThrow(RangeError);
  });

  it('rates follow the profile', () => {
    expect(arrivalRateAt(8 * 3600 + 10)).toBeCloseTo(PEAK_RATE_PER_S, 6);
    expect(arrivalRateAt(3 * 3600)).toBeLessThan(0.1);
  });
});

describe('vehicle mix and speeds', () => {
  it('draws classes in the São Paulo mix and honours a restriction', () => {
    const rng = createRng(2);
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const c = sampleVehicleClass(rng);
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    for (const c of VEHICLE_CLASSES) expect((counts.get(c) ?? 0) / 20_000).toBeCloseTo(CLASS_SHARES[c], 1);
    expect((counts.get('motorcycle') ?? 0) / 20_000).toBeGreaterThan(0.15);
    expect((counts.get('car') ?? 0) / 20_000).toBeGreaterThan(0.5);
    for (let i = 0; i < 100; i++) expect(['bus', 'van']).toContain(sampleVehicleClass(rng, ['bus', 'van']));
  });

  it('keeps most vehicles under the limit, with a tail of violations', () => {
    const rng = createRng(4);
    for (const second of [3 * 3600, 8 * 3600]) {
      const speeds = Array.from({ length: 5000 }, () => sampleTrafficSpeed(rng, 60, 'car', second));
      const over = speeds.filter((v) => v > 60).length / speeds.length;
      expect(over).toBeGreaterThan(0.01);
      expect(over).toBeLessThan(0.3);
      expect(Math.min(...speeds)).toBeGreaterThanOrEqual(8);
    }
  });
});
