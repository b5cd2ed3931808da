import type { SiteParameters } from '@speedledger/lr-chaincode/core';
import { deriveMeterSigner, type MeterSigner } from '../dlr1/meter-signer.js';
import { sampleSitePhysics, type SitePhysics } from '../physics/site-physics.js';
import { createRng } from '../random/rng.js';
import { DIRECTIONS, SAO_PAULO_ROADS } from './sao-paulo-roads.js';

/** One meter as the notified body registers it (a line of `fleet.json`). */
export interface FleetMeter {
  meterId: string;
  publicKeyHex: string;
  site: SiteParameters;
}

/** `fleet.json`: the registry of simulated meters. */
export interface Fleet {
  format: 'speedledger-fleet/1';
  meters: FleetMeter[];
}

/** A simulated meter: what is registered, its key, and the hidden physics of its site. */
export interface SimulatedMeter {
  readonly registered: FleetMeter;
  readonly signer: MeterSigner;
  readonly physics: SitePhysics;
}

/** Meter id of the i-th (0-based) simulated meter: `SP-000001`, … (valid DLR1 ids). */
export function meterIdOf(index: number): string {
  return `SP-${String(index + 1).padStart(6, '0')}`;
}

/**
 * Draws one meter's site: the hidden physics, and the registered parameters a surveyor would
 * write down (true spacing and mean loop length rounded to 1 mm).
 */
export function simulateMeter(seed: number, index: number, sampleRateHz: number): SimulatedMeter {
  const meterId = meterIdOf(index);
  const rng = createRng(seed, 'site', meterId);
  const physics = sampleSitePhysics(rng);
  const road = SAO_PAULO_ROADS[rng.int(0, SAO_PAULO_ROADS.length - 1)]!;
  const speedLimitKmh = road.limits[rng.int(0, road.limits.length - 1)]!;
  const number = rng.int(10, 4999);
  const direction = DIRECTIONS[rng.int(0, DIRECTIONS.length - 1)]!;
  const lane = rng.int(1, 4);
  const site: SiteParameters = {
    spacingMm: Math.round(physics.spacingM * 1000),
    loopLengthMm: Math.round(((physics.loopA.lengthM + physics.loopB.lengthM) / 2) * 1000),
    sampleRateHz,
    speedLimitKmh,
    location: `${road.name}, ${number} — ${direction}, faixa ${lane}, São Paulo/SP`,
  };
  const signer = deriveMeterSigner(seed, meterId);
  return { registered: { meterId, publicKeyHex: signer.publicKeyHex, site }, signer, physics };
}

/** Simulates `count` meters and the `fleet.json` that registers them. */
export function createFleet(seed: number, count: number, sampleRateHz: number): { fleet: Fleet; meters: SimulatedMeter[] } {
  if (!Number.isInteger(count) || count < 1 || count > 999_999) throw new RangeError(`meter count ${count} outside 1..999999`);
  const meters: SimulatedMeter[] = [];
  for (let i = 0; i < count; i++) meters.push(simulateMeter(seed, i, sampleRateHz));
  return { fleet: { format: 'speedledger-fleet/1', meters: meters.map((m) => m.registered) }, meters };
}
