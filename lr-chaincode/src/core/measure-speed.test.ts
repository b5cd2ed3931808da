import { describe, expect, it } from 'vitest';
import { measureSpeed, type MeasurementResult } from './measure-speed.js';
import { generatePass, type PassOptions, type TestClass } from './test-support/loop-signal-generator.js';

const site = { spacingMm: 3600, loopLengthMm: 1800, sampleRateHz: 1000, speedLimitKmh: 60, location: 'test site' };

function run(options: PassOptions): { result: MeasurementResult; reference: number } {
  const pass = generatePass(options);
  return { result: measureSpeed(pass, { ...site, sampleRateHz: pass.sampleRateHz }), reference: pass.referenceSpeedKmh };
}

function permissible(reference: number): number {
  return reference <= 100 ? 3 : reference * 0.03;
}

describe('measureSpeed on the independent test generator', () => {
  const classes: TestClass[] = ['car', 'motorcycle', 'van', 'bus', 'truck-trailer'];
  for (const cls of classes) {
    it(`measures clean ${cls} passes within the permissible error`, () => {
      for (const [k, speedKmh] of [12, 35, 61, 95, 140, 210].entries()) {
        const { result, reference } = run({ seed: 100 + k, cls, speedKmh, gainA: 0.9, gainB: 1.1, lateral: cls === 'motorcycle' ? 0.5 : 1 });
        expect(result.ok, `${cls} at ${speedKmh}: ${result.ok ? '' : result.detail}`).toBe(true);
        if (!result.ok) continue;
        expect(Math.abs(result.speedKmh - reference)).toBeLessThanOrEqual(permissible(reference));
        expect(Number.isInteger(result.speedCentiKmh)).toBe(true);
        expect(result.speedKmh).toBe(result.speedCentiKmh / 100);
      }
    });
  }

  it('rejects a reading whose sample rate differs from the site', () => {
    const pass = generatePass({ seed: 1, speedKmh: 50 });
    const result = measureSpeed(pass, { ...site, sampleRateHz: 2000 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toBe('RATE_MISMATCH');
  });

  it.each([
    ['NO_VEHICLE', { empty: true }],
    ['SINGLE_LOOP', { onlyLoop: 'A' }],
    ['SINGLE_LOOP', { onlyLoop: 'B' }],
    ['REVERSE_DIRECTION', { reverse: true }],
    ['MULTIPLE_VEHICLES', { followerGapM: 4 }],
    ['CLIPPED', { scale: 40000 }],
    ['SPEED_OUT_OF_RANGE', { speedKmh: 330 }],
  ] as const)('rejects with %s', (reason, extra) => {
    const { result } = run({ seed: 7, speedKmh: 60, ...extra });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toBe(reason);
      expect(result.detail.length).toBeGreaterThan(10);
    }
  });

  it('never throws on bad input', () => {
    expect(measureSpeed({ loopA: new Uint16Array(20), loopB: new Uint16Array(21), sampleRateHz: 1000 }, site).ok).toBe(false);
    expect(measureSpeed({ loopA: new Uint16Array(20), loopB: new Uint16Array(20), sampleRateHz: 1000 }, { ...site, spacingMm: -1 }).ok).toBe(false);
  });
});
