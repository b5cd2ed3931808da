import type { Rng } from '../random/rng.js';

/** The vehicle classes the simulator knows. */
export type VehicleClass = 'car' | 'motorcycle' | 'van' | 'bus' | 'truck-trailer';

/** Every {@link VehicleClass}, in a fixed order (the order class mixes are given in). */
export const VEHICLE_CLASSES: readonly VehicleClass[] = ['car', 'motorcycle', 'van', 'bus', 'truck-trailer'];

/** Length of one metal-mass segment along a vehicle, metres. */
export const SEGMENT_M = 0.05;

/**
 * One simulated vehicle: its length and the metal mass it presents to a loop, per
 * {@link SEGMENT_M} segment from the front (index 0) to the rear. Mass is in counts per
 * segment at unit loop gain and full sensitivity: what a loop adds to its baseline is
 * gain × lateral factor × Σ mass × sensitivity.
 */
export interface Vehicle {
  readonly vehicleClass: VehicleClass;
  readonly lengthM: number;
  readonly mass: Float64Array;
  /** Mean lateral coupling to a loop in [0, 1]: motorcycles ride off the loop centre. */
  readonly lateral: number;
}

/** A smooth bump of unit height centred at `centre`, half-width `width` (same units as u). */
function bump(u: number, centre: number, width: number): number {
  const z = (u - centre) / width;
  return Math.exp(-0.5 * z * z);
}

/**
 * Mass density along the body (counts per metre) at distance `d` metres behind the front.
 * The shapes follow what loop detectors see: a car's engine block and axles stand out, a bus
 * floor is high (weak, flat coupling), an articulated truck has a coupling gap with no metal.
 */
type Density = (d: number) => number;

function carDensity(len: number, rng: Rng, base: number): Density {
  const engine = rng.uniform(0.6, 1.0);
  const axle = rng.uniform(0.15, 0.3);
  const front = rng.uniform(0.8, 1.0);
  const rear = len - rng.uniform(0.7, 1.0);
  return (d) => base * (0.75 + engine * bump(d, 0.6, 0.45) + axle * (bump(d, front, 0.2) + bump(d, rear, 0.2)));
}

function motorcycleDensity(len: number, rng: Rng, base: number): Density {
  const engine = rng.uniform(0.8, 1.4);
  return (d) => base * (0.35 + engine * bump(d, len * 0.5, 0.25) + 0.2 * bump(d, 0.35, 0.12) + 0.2 * bump(d, len - 0.35, 0.12));
}

function vanDensity(len: number, rng: Rng, base: number): Density {
  const engine = rng.uniform(0.5, 0.9);
  const rear = len - rng.uniform(0.9, 1.3);
  return (d) => base * (0.8 + engine * bump(d, 0.55, 0.4) + 0.25 * (bump(d, 0.9, 0.2) + bump(d, rear, 0.25)));
}

/**
 * Buses and coaches: a high chassis (only the frame rails and floor couple to the loop, weakly),
 * with the axle groups (wheels, hubs, differential, suspension) and the engine standing out
 * as humps. Between the axle groups the signal sinks towards the floor level, never to the
 * baseline: the frame is continuous metal. City buses have one rear axle (dual tyres) and a
 * front or rear engine; coaches a rear tandem and a rear engine.
 */
function busDensity(len: number, rng: Rng, base: number): Density {
  const coach = rng.chance(0.45);
  const floor = rng.uniform(0.4, 0.8);
  const frontAxle = rng.uniform(2.2, 2.9);
  const frontWeight = rng.uniform(0.6, 1.0);
  const rear1 = coach ? len - rng.uniform(3.4, 4.0) : len - rng.uniform(3.0, 3.6);
  const rear2 = coach ? rear1 + rng.uniform(1.3, 1.45) : rear1;
  const rearWeight1 = coach ? rng.uniform(0.7, 1.1) : rng.uniform(1.0, 1.6);
  const rearWeight2 = coach ? rng.uniform(0.6, 1.0) : 0;
  const rearEngine = coach || rng.chance(0.5);
  const engine = rng.uniform(0.4, 0.8);
  const engineAt = rearEngine ? len - 1.1 : 1.0;
  return (d) =>
    base *
    (floor +
      0.2 * bump(d, 0.3, 0.2) +
      frontWeight * bump(d, frontAxle, 0.35) +
      rearWeight1 * bump(d, rear1, 0.35) +
      rearWeight2 * bump(d, rear2, 0.35) +
      engine * bump(d, engineAt, 0.55));
}

function truckDensity(len: number, rng: Rng, base: number): Density {
  const tractor = rng.uniform(5.5, 6.8);
  const gap = rng.uniform(0.6, 1.2);
  const trailerStart = tractor + gap;
  const engine = rng.uniform(0.5, 0.9);
  const load = rng.uniform(0.0, 0.5);
  return (d) => {
    if (d < tractor) {
      return base * (0.9 + engine * bump(d, 1.0, 0.6) + 0.3 * bump(d, tractor - 1.2, 0.5));
    }
    if (d < trailerStart) return 0;
    // Trailer: a long chassis frame with the tandem axles near the rear.
    return base * (0.6 + load + 0.5 * bump(d, len - 1.6, 0.7) + 0.15 * bump(d, trailerStart + 0.5, 0.3));
  };
}

interface ClassSpec {
  readonly lengthM: readonly [number, number];
  /** Base density, counts per metre at unit gain. */
  readonly base: readonly [number, number];
  readonly lateral: readonly [number, number];
  readonly density: (len: number, rng: Rng, base: number) => Density;
}

const SPECS: Record<VehicleClass, ClassSpec> = {
  car: { lengthM: [3.8, 4.9], base: [1200, 1700], lateral: [0.85, 1.0], density: carDensity },
  motorcycle: { lengthM: [1.9, 2.3], base: [450, 700], lateral: [0.45, 0.9], density: motorcycleDensity },
  van: { lengthM: [5.0, 6.5], base: [1300, 1800], lateral: [0.85, 1.0], density: vanDensity },
  bus: { lengthM: [11.0, 14.0], base: [600, 850], lateral: [0.85, 1.0], density: busDensity },
  'truck-trailer': { lengthM: [15.0, 19.0], base: [1400, 1900], lateral: [0.85, 1.0], density: truckDensity },
};

/** The length range of a class, metres. */
export function classLengthRange(vehicleClass: VehicleClass): readonly [number, number] {
  return SPECS[vehicleClass].lengthM;
}

/** Draws one vehicle of `vehicleClass`: length, mass profile (segment mid-points), lateral coupling. */
export function sampleVehicle(vehicleClass: VehicleClass, rng: Rng): Vehicle {
  const spec = SPECS[vehicleClass];
  const lengthM = rng.uniform(spec.lengthM[0], spec.lengthM[1]);
  const base = rng.uniform(spec.base[0], spec.base[1]);
  const density = spec.density(lengthM, rng, base);
  const segments = Math.max(1, Math.round(lengthM / SEGMENT_M));
  const mass = new Float64Array(segments);
  const step = lengthM / segments;
  for (let j = 0; j < segments; j++) {
    // Small texture: bodywork is not uniform, and a real profile is never perfectly smooth.
    mass[j] = Math.max(0, density((j + 0.5) * step) * step * (1 + 0.03 * rng.normal()));
  }
  const lateral = rng.uniform(spec.lateral[0], spec.lateral[1]);
  return { vehicleClass, lengthM, mass, lateral };
}
