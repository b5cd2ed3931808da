import type { Rng } from '../random/rng.js';
import { VEHICLE_CLASSES, type VehicleClass } from '../physics/vehicle.js';
import { congestionAt } from './day-profile.js';

/**
 * Share of each class on São Paulo arterials (same order as VEHICLE_CLASSES): cars dominate,
 * motorcycles are ~18 % (couriers), then vans, trucks with trailers and buses.
 */
export const CLASS_SHARES: Readonly<Record<VehicleClass, number>> = {
  car: 0.6,
  motorcycle: 0.18,
  van: 0.1,
  bus: 0.05,
  'truck-trailer': 0.07,
};

/** Draws a class from the mix, restricted to `allowed` when given. */
export function sampleVehicleClass(rng: Rng, allowed?: readonly VehicleClass[]): VehicleClass {
  const classes = allowed && allowed.length > 0 ? allowed : VEHICLE_CLASSES;
  return classes[rng.weighted(classes.map((c) => CLASS_SHARES[c]))]!;
}

const CLASS_SPEED_FACTOR: Readonly<Record<VehicleClass, number>> = {
  car: 1,
  motorcycle: 1.08,
  van: 0.95,
  bus: 0.85,
  'truck-trailer': 0.85,
};

/** Slowest speed of traffic that is moving at all, km/h. */
export const MIN_TRAFFIC_SPEED_KMH = 8;

/**
 * A realistic free-choice speed at a site: most drivers under the limit (slower when the road
 * is busy), a tail above it — a few percent by 5–45 %, fewer at rush hour.
 */
export function sampleTrafficSpeed(rng: Rng, limitKmh: number, vehicleClass: VehicleClass, secondOfDay: number): number {
  const c = congestionAt(secondOfDay);
  let speed: number;
  if (rng.chance(0.05 * (1 - 0.6 * c))) {
    speed = limitKmh * rng.uniform(1.05, 1.45);
  } else {
    speed = limitKmh * ((0.86 - 0.26 * c * c) * CLASS_SPEED_FACTOR[vehicleClass] + 0.1 * rng.normal());
  }
  return Math.min(250, Math.max(MIN_TRAFFIC_SPEED_KMH, speed));
}
