import type { LoopResidual } from './baseline.js';
import { MEASUREMENT_TUNING as T } from './measurement-tuning.js';
import { findDeepValleys, type OccupancyValley } from './occupancy-valleys.js';
import type { PairedPass } from './pairing.js';
import { reject, type Rejection } from './rejection.js';
import type { ShiftEstimate } from './shift-estimation.js';
import type { PassKinematics } from './validity.js';

/** How one loop's occupancy splits at its deep valleys. */
interface LoopSplit {
  readonly valleys: OccupancyValley[];
  /** Lengths (m) of the stretches between front edge, valleys and rear edge, front first. */
  readonly pieces: number[];
  /** Why these pieces cannot be one road vehicle, or null when they can. */
  readonly why: string | null;
}

function f1(x: number): string {
  return x.toFixed(1);
}

function splitLoop(
  loop: LoopResidual,
  seg: PairedPass['a'],
  frontTime: number,
  rearTime: number,
  metresPerSample: number,
  lengthM: number,
): LoopSplit {
  const valleys = findDeepValleys(loop.residual, seg.footOn, seg.footOff, {
    humpFloor: Math.max(T.valleyHumpSigmas * loop.sigma, T.valleyHumpFraction * seg.peak),
    maxRatio: T.valleyMaxRatio,
    minDrop: T.valleyMinDropSigmas * loop.sigma,
    maxValleys: T.valleyMaxCount,
  }).filter((v) => {
    // A dip within a short vehicle's length of either edge is edge texture or noise, not a gap
    // between two bodies: no road vehicle is shorter than that.
    const fromFront = (v.index - frontTime) * metresPerSample;
    const fromRear = (rearTime - v.index) * metresPerSample;
    return fromFront >= T.minPieceM && fromRear >= T.minPieceM;
  });
  if (valleys.length === 0) return { valleys, pieces: [], why: null };
  const bounds = [frontTime, ...valleys.map((v) => v.index), rearTime];
  const pieces: number[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) pieces.push((bounds[i + 1]! - bounds[i]!) * metresPerSample);
  let why: string | null = null;
  if (lengthM < T.mergedMaxLengthM) {
    why = `${f1(lengthM)} m is too short for an articulated vehicle (< ${T.mergedMaxLengthM} m), so the gap is between two vehicles`;
  } else if (pieces[0]! < T.minTractorM) {
    why = `the part ahead of the gap (${f1(pieces[0]!)} m) is shorter than any tractor (${T.minTractorM} m)`;
  } else if (pieces[0]! > T.maxTractorM) {
    why = `the part ahead of the gap (${f1(pieces[0]!)} m) is longer than any towing unit (${T.maxTractorM} m)`;
  } else {
    for (let i = 1; i < pieces.length && why === null; i++) {
      if (pieces[i]! < T.minTrailerM) why = `a part behind a gap (${f1(pieces[i]!)} m) is shorter than any trailer (${T.minTrailerM} m)`;
    }
    for (const v of valleys) {
      if (why !== null) break;
      const balance = v.lowerHump / v.higherHump;
      if (balance < T.minHumpBalance) {
        why = `the humps beside a gap differ too much for tractor and trailer (${Math.round(balance * 100)} % < ${Math.round(T.minHumpBalance * 100)} %)`;
      }
    }
  }
  return { valleys, pieces, why };
}

function describe(name: string, split: LoopSplit): string {
  const deepest = split.valleys.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  return `loop ${name}: ${split.valleys.length} gap(s), deepest at sample ${deepest.index} down to ${Math.round(deepest.ratio * 100)} % of the lower hump, parts ${split.pieces.map(f1).join(' + ')} m`;
}

/**
 * Refuses a pass whose single occupancy is two vehicles whose signals merged: the signal dips
 * between them without reaching the "off" level, so detection sees one occupancy. A dip alone
 * does not decide it, because a truck's trailer coupling (a metal-free gap shorter than the
 * loop) dips just as deep. What separates them is geometry: a truck with trailer is long and
 * its parts are a tractor and trailers; two cars, a motorcycle and a car, or a vehicle followed
 * closely by a short one give an occupancy that is too short overall, or a part ahead of or
 * behind the gap that no tractor or trailer is that short. Both loops must show such a split
 * (each loop independently), so noise on one loop cannot refuse a clean pass.
 * Returns null when the pass may be one vehicle.
 */
export function checkMergedVehicles(
  resA: LoopResidual,
  resB: LoopResidual,
  pair: PairedPass,
  shift: ShiftEstimate,
  kin: PassKinematics,
  sampleRateHz: number,
): Rejection<'MULTIPLE_VEHICLES'> | null {
  const metresPerSample = (kin.frontSpeed + kin.rearSpeed) / 2 / sampleRateHz;
  if (!(metresPerSample > 0)) return null;
  const frontA = shift.front.timeA;
  const rearA = shift.rear.timeA;
  const frontB = frontA + shift.front.shift;
  const rearB = rearA + shift.rear.shift;
  const a = splitLoop(resA, pair.a, frontA, rearA, metresPerSample, kin.lengthM);
  if (a.why === null) return null;
  const b = splitLoop(resB, pair.b, frontB, rearB, metresPerSample, kin.lengthM);
  if (b.why === null) return null;
  return reject('MULTIPLE_VEHICLES', `two vehicles merged into one occupancy: ${a.why}; ${describe('A', a)}; ${describe('B', b)}`);
}
