import { createDataset, type FleetMeter, type GeneratedReading } from '@speedledger/datasets';
import { decodeDlr1, DLR1, measureSpeed } from '@speedledger/lr-chaincode/core';
import type { MeasurementRecord } from '@speedledger/lr-chaincode/contract';
import { waitFor } from '@speedledger/orderer-bft/runtime';

/** Why the live network cannot run here (missing build outputs), or undefined when it can. */
export { missingBuildOutput as missingPrerequisite } from '../../runtime/missing-build-output.js';

/** One client library's share of the fleet and its readings. */
export interface FleetShare {
  readonly meters: readonly FleetMeter[];
  readonly readings: readonly GeneratedReading[];
}

/**
 * A small clean dataset split into `shares` disjoint groups of meters (each library registers
 * its own, so neither run depends on the other) plus one meter nobody registers.
 */
export function fleetShares(shares: number, metersPerShare: number, readingsPerMeter: number, seed: number): { shares: FleetShare[]; unregistered: GeneratedReading } {
  const meterCount = shares * metersPerShare + 1;
  const dataset = createDataset({ meters: meterCount, readings: meterCount * readingsPerMeter, seed, mix: 'clean' });
  const all = [...dataset.readings()];
  const meters = dataset.fleet.meters;
  const out: FleetShare[] = [];
  for (let s = 0; s < shares; s += 1) {
    const mine = meters.slice(s * metersPerShare, (s + 1) * metersPerShare);
    const ids = new Set(mine.map((m) => m.meterId));
    out.push({ meters: mine, readings: all.filter((r) => ids.has(r.truth.meterId)) });
  }
  const lastId = meters[meters.length - 1]!.meterId;
  const unregistered = all.find((r) => r.truth.meterId === lastId);
  if (!unregistered) throw new Error(`dataset seed ${seed} gave meter ${lastId} no reading`);
  return { shares: out, unregistered };
}

/** The same reading with one sample byte flipped: the signature no longer verifies. */
export function forge(reading: Uint8Array): Uint8Array {
  const forged = Uint8Array.from(reading);
  forged[DLR1.HEADER_BYTES + 1] = forged[DLR1.HEADER_BYTES + 1]! ^ 0x01;
  return forged;
}

/** What the ledger record must say, computed locally with the LR core from the raw reading. */
export function expectedOutcome(reading: Uint8Array, meter: FleetMeter): Pick<MeasurementRecord, 'verdict' | 'speedCentiKmh' | 'reason'> {
  const decoded = decodeDlr1(reading);
  if (!decoded.ok) throw new Error(`generated reading does not decode: ${decoded.detail}`);
  const { loopA, loopB, sampleRateHz } = decoded.reading;
  const result = measureSpeed({ loopA, loopB, sampleRateHz }, meter.site);
  return result.ok
    ? { verdict: 'ACCEPTED', speedCentiKmh: result.speedCentiKmh, reason: null }
    : { verdict: 'INVALIDATED', speedCentiKmh: null, reason: result.reason };
}

/** Polls `probe` every 500 ms until it returns a value, or rejects naming `what` after `timeoutMs`. */
export function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  return waitFor(what, probe, timeoutMs, 500);
}
