import { describe, expect, it } from 'vitest';
import { simulateMeter } from '../fleet/fleet.js';
import { createRng } from '../random/rng.js';
import { HARD_PASS_KINDS, type PassKind } from './pass-kind.js';
import { planPass, type PassScenario } from './pass-scenario.js';
import { renderPass, type RenderedPass } from './render-pass.js';
import { VEHICLE_CLASSES, type VehicleClass } from './vehicle.js';

const RATE = 1000;
const meter = simulateMeter(99, 0, RATE);
const site = meter.physics;

function pass(kind: PassKind, vehicleClass: VehicleClass, speedKmh: number, key: string, noiseless = false): { s: PassScenario; r: RenderedPass } {
  const rng = createRng(99, key);
  const s = planPass({ kind, vehicleClass, secondClass: 'car', speedKmh, sampleRateHz: RATE }, site, rng);
  return { s, r: renderPass(site, s, createRng(99, key, 'render'), { noiseless }) };
}

/** Excursion above the first sample (the baseline) per sample. */
function excursion(samples: Uint16Array): number[] {
  const base = samples[0]!;
  return Array.from(samples, (c) => c - base);
}

/** Fractional sample index where the signal first rises through half its peak. */
function halfPeakCrossing(samples: Uint16Array): number {
  const e = excursion(samples);
  const half = Math.max(...e) / 2;
  const i = e.findIndex((v) => v >= half);
  return i - 1 + (half - e[i - 1]!) / (e[i]! - e[i - 1]!);
}

describe('clean passes', () => {
  const cases = VEHICLE_CLASSES.flatMap((c) => [12, 50, 95, 180].map((v) => [c, v] as const));

  it.each(cases)('%s at %d km/h: truth consistent with the signal', (cls, speed) => {
    const { s, r } = pass('clean', cls, speed, `${cls}-${speed}`, true);
    const t = s.truth;
    expect(t.expected).toBe('accepted');
    expect(t.expectedReasons).toEqual([]);
    expect(t.vehicleClass).toBe(cls);
    const dt = t.tBFrontS! - t.tAFrontS!;
    const step = 1 / RATE;
    // Registered (mm) spacing over the reference speed gives the shift within a sampling step.
    expect(Math.abs(dt - meter.registered.site.spacingMm / 1000 / (t.referenceSpeedKmh! / 3.6))).toBeLessThan(step);
    // Independent check: the half-peak rise shift between the noiseless channels. Fringes and
    // gains differ per loop, so allow what a fringe difference can cause at this speed.
    const shift = (halfPeakCrossing(r.loopB) - halfPeakCrossing(r.loopA)) / RATE;
    const fringeSlack = (Math.abs(site.loopA.fringeM - site.loopB.fringeM) + 0.1) / (t.referenceSpeedKmh! / 3.6);
    expect(Math.abs(shift - dt)).toBeLessThan(step + fringeSlack);
    expect(Math.max(...r.loopA, ...r.loopB)).toBeLessThan(65535);
    expect(s.n).toBeGreaterThanOrEqual(16);
    expect(s.n).toBeLessThanOrEqual(32768);
  });

  it('keeps a baseline margin before and after the vehicle', () => {
    const { s, r } = pass('clean', 'car', 60, 'margins', true);
    const e = excursion(r.loopA);
    const f = excursion(r.loopB);
    expect(Math.max(...e.slice(0, Math.floor(0.1 * RATE)))).toBeLessThan(10);
    expect(Math.max(...f.slice(s.n - Math.floor(0.1 * RATE)).map(Math.abs))).toBeLessThan(15);
  });

  it('gives a truck with trailer a coupling dip that does not return to baseline', () => {
    const { r } = pass('clean', 'truck-trailer', 40, 'truck', true);
    const e = excursion(r.loopA);
    const peak = Math.max(...e);
    const start = e.findIndex((v) => v > 0.5 * peak);
    const end = e.length - 1 - [...e].reverse().findIndex((v) => v > 0.5 * peak);
    const inside = e.slice(start, end);
    expect(Math.min(...inside)).toBeGreaterThan(0.15 * peak);
  });

  it('makes a motorcycle weaker than a car and a bus flatter than a car', () => {
    const peak = (cls: VehicleClass): number => Math.max(...excursion(pass('clean', cls, 50, `peak-${cls}`, true).r.loopA));
    expect(peak('motorcycle')).toBeLessThan(0.5 * peak('car'));
    expect(peak('car')).toBeGreaterThan(1000);
    expect(peak('bus')).toBeLessThan(peak('car'));
  });
});

describe('hard cases', () => {
  it.each(HARD_PASS_KINDS)('%s is expected rejected with reasons', (kind) => {
    const { s } = pass(kind, 'car', 40, `hard-${kind}`);
    expect(s.truth.kind).toBe(kind);
    expect(s.truth.expected).toBe('rejected');
    expect(s.truth.expectedReasons.length).toBeGreaterThan(0);
  });

  it('tailgating: the follower reaches A before the leader has left B', () => {
    for (let i = 0; i < 10; i++) {
      const { s } = pass('tailgating', 'car', 30, `tail-${i}`);
      expect(s.actors).toHaveLength(2);
      const [lead, follow] = s.actors;
      const leaveB = lead!.motion.timeAt(site.spacingM + site.loopB.lengthM + site.loopB.fringeM + lead!.vehicle.lengthM)!;
      expect(follow!.motion.timeAt(-site.loopA.fringeM)!).toBeLessThan(leaveB);
      expect(s.truth.expectedReasons).toEqual(['MULTIPLE_VEHICLES']);
      expect(s.truth.referenceSpeedKmh).toBeNull();
    }
  });

  it('lane change: exactly one loop sees a vehicle', () => {
    for (let i = 0; i < 6; i++) {
      const { s, r } = pass('lane-change', 'car', 40, `lane-${i}`, true);
      const a = Math.max(...excursion(r.loopA).map(Math.abs));
      const b = Math.max(...excursion(r.loopB).map(Math.abs));
      expect(Math.min(a, b)).toBeLessThan(20);
      expect(Math.max(a, b)).toBeGreaterThan(300);
      expect((s.truth.tAFrontS === null) !== (s.truth.tBFrontS === null)).toBe(true);
    }
  });

  it('reverse: B sees the vehicle before A', () => {
    const { s, r } = pass('reverse', 'car', 50, 'rev', true);
    expect(s.truth.tBFrontS!).toBeLessThan(s.truth.tAFrontS!);
    expect(halfPeakCrossing(r.loopB)).toBeLessThan(halfPeakCrossing(r.loopA));
  });

  it('stop between the loops: standing still for at least a second', () => {
    const { s } = pass('stop-between-loops', 'car', 40, 'stop');
    const motion = s.actors[0]!.motion;
    let standing = 0;
    for (let t = 0; t < s.n / RATE; t += 0.01) if (motion.speedAt(t) === 0) standing += 0.01;
    expect(standing).toBeGreaterThan(0.9);
  });

  it('stop-and-go: slows to a crawl (≤ 5 km/h) while the body is over the loops, then drives off', () => {
    for (let i = 0; i < 12; i++) {
      const { s } = pass('stop-and-go', 'van', 30, `sag-${i}`);
      const { motion, vehicle } = s.actors[0]!;
      const t = s.truth;
      expect(t.expectedReasons).toContain('NON_CONSTANT_SPEED');
      expect(t.referenceSpeedKmh).not.toBeNull();
      // Ground truth recorded: the front's mean speed across the gap.
      expect(Math.abs(t.tBFrontS! - t.tAFrontS! - site.spacingM / (t.referenceSpeedKmh! / 3.6))).toBeLessThan(1e-9);
      let slowest = Infinity;
      let slowAt = 0;
      for (let k = 0; k < s.n; k += 5) {
        const v = motion.speedAt(k / RATE);
        if (v < slowest) [slowest, slowAt] = [v, k / RATE];
      }
      expect(slowest * 3.6).toBeGreaterThanOrEqual(1 - 1e-9);
      expect(slowest * 3.6).toBeLessThanOrEqual(5 + 1e-9);
      // At the slowest moment some of the body is over loop A or loop B.
      const front = motion.positionAt(slowAt);
      const overA = front > 0 && front - vehicle.lengthM < site.loopA.lengthM;
      const overB = front > site.spacingM && front - vehicle.lengthM < site.spacingM + site.loopB.lengthM;
      expect(overA || overB).toBe(true);
      // It leaves faster than it crawled: the speed is not constant within the window.
      expect(motion.speedAt(s.n / RATE)).toBeGreaterThan(2 * slowest);
    }
  });

  it('merged pair: two vehicles 0.3–1.5 m apart at (almost) the same speed', () => {
    for (let i = 0; i < 12; i++) {
      const { s } = pass('merged-pair', 'car', 50, `mp-${i}`);
      const [lead, follow] = s.actors;
      expect(s.actors).toHaveLength(2);
      const gap = lead!.motion.positionAt(0) - lead!.vehicle.lengthM - follow!.motion.positionAt(0);
      expect(gap).toBeGreaterThanOrEqual(0.3);
      expect(gap).toBeLessThanOrEqual(1.5);
      expect(follow!.motion.speedAt(0) / lead!.motion.speedAt(0)).toBeGreaterThanOrEqual(0.99);
      expect(s.truth.expectedReasons).toEqual(['MULTIPLE_VEHICLES']);
      expect(s.truth.referenceSpeedKmh).toBeNull();
    }
  });

  it('bus/coach: axle groups stand out of a floor that never falls to the baseline', () => {
    for (let i = 0; i < 8; i++) {
      const { s, r } = pass('clean', 'bus', 40, `bus-${i}`, true);
      expect(s.truth.vehicleLengthM!).toBeGreaterThanOrEqual(11);
      expect(s.truth.vehicleLengthM!).toBeLessThanOrEqual(14);
      const e = excursion(r.loopA);
      const peak = Math.max(...e);
      const start = e.findIndex((v) => v > 0.5 * peak);
      const end = e.length - 1 - [...e].reverse().findIndex((v) => v > 0.5 * peak);
      const inside = e.slice(start, end);
      expect(Math.min(...inside)).toBeGreaterThan(0.25 * peak);
      // More than one hump: a local maximum well inside the body besides the global one.
      let humps = 0;
      for (let k = start + 50; k < end - 50; k += 1) if (e[k]! >= Math.max(...e.slice(k - 50, k + 51)) && e[k]! > 0.6 * peak) humps++;
      expect(humps).toBeGreaterThanOrEqual(2);
    }
  });

  it('clipped: the pass reaches full scale; empty: nothing but noise', () => {
    const clipped = pass('clipped', 'car', 50, 'clip').r;
    expect([...clipped.loopA, ...clipped.loopB]).toContain(65535);
    const empty = pass('empty', 'car', 50, 'empty', true);
    expect(empty.s.actors).toHaveLength(0);
    expect(Math.max(...excursion(empty.r.loopA).map(Math.abs))).toBeLessThan(20);
    expect(empty.s.truth.vehicleClass).toBeNull();
  });

  it('out of range: the reference speed is outside 5..300 km/h', () => {
    for (let i = 0; i < 6; i++) {
      const v = pass('out-of-range', 'car', 50, `oor-${i}`).s.truth.referenceSpeedKmh!;
      expect(v < 5 || v > 300).toBe(true);
    }
  });

  it('raises the speed of a slow pass until its window fits at 20 kHz', () => {
    const s = planPass({ kind: 'clean', vehicleClass: 'truck-trailer', secondClass: 'car', speedKmh: 10, sampleRateHz: 20_000 }, site, createRng(1));
    expect(s.n).toBeLessThanOrEqual(32768);
    expect(s.truth.referenceSpeedKmh!).toBeGreaterThan(10);
  });
});
