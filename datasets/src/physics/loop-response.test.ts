import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng.js';
import { computeLoopResponse, loopSensitivity, responseAt } from './loop-response.js';
import type { LoopPhysics } from './site-physics.js';
import { VEHICLE_CLASSES, sampleVehicle, type Vehicle } from './vehicle.js';

const loop: LoopPhysics = { lengthM: 1.81, gain: 1, fringeM: 0.37, baseline: 30_000, noiseSigma: 5 };

/** The definition: Σ mass × sensitivity at each segment's mid-point. */
function direct(vehicle: Vehicle, p: number): number {
  const seg = vehicle.lengthM / vehicle.mass.length;
  let sum = 0;
  vehicle.mass.forEach((m, j) => (sum += m * loopSensitivity(p - (j + 0.5) * seg, loop.lengthM, loop.fringeM)));
  return sum;
}

describe('loop sensitivity', () => {
  it('is 1 inside, 0.5 at the edges, 0 beyond the fringe', () => {
    expect(loopSensitivity(0.9, 1.8, 0.3)).toBeCloseTo(1, 9);
    expect(loopSensitivity(0, 1.8, 0.3)).toBeCloseTo(0.5, 9);
    expect(loopSensitivity(1.8, 1.8, 0.3)).toBeCloseTo(0.5, 9);
    expect(loopSensitivity(-0.31, 1.8, 0.3)).toBe(0);
    expect(loopSensitivity(2.11, 1.8, 0.3)).toBe(0);
  });
});

describe('computeLoopResponse', () => {
  it.each(VEHICLE_CLASSES)('matches the direct segment sum for a %s', (cls) => {
    const vehicle = sampleVehicle(cls, createRng(5, cls));
    const response = computeLoopResponse(vehicle, loop);
    let peak = 0;
    for (let p = -0.5; p < vehicle.lengthM + 2.5; p += 0.0137) peak = Math.max(peak, direct(vehicle, p));
    for (let p = -0.5; p < vehicle.lengthM + 2.5; p += 0.0137) {
      expect(Math.abs(responseAt(response, p) - direct(vehicle, p))).toBeLessThan(0.004 * peak);
    }
    expect(responseAt(response, -loop.fringeM - 0.01)).toBe(0);
    expect(responseAt(response, vehicle.lengthM + loop.lengthM + loop.fringeM + 0.05)).toBe(0);
  });
});
