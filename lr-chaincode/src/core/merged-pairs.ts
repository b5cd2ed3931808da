import type { LoopResidual } from './baseline.js';
import { findBodyGaps, type BodyGaps } from './density-gaps.js';
import { MEASUREMENT_TUNING as T, PROFILE_TUNING as P } from './measurement-tuning.js';
import { checkMergedVehicles } from './merged-vehicles.js';
import type { PairedPass } from './pairing.js';
import { reject, type Rejection } from './rejection.js';
import type { ShiftEstimate } from './shift-estimation.js';
import type { PassKinematics } from './validity.js';
import { vehicleDensity } from './vehicle-density.js';

function f1(x: number): string {
  return x.toFixed(1);
}

/**
 * Why bodies separated by air cannot be one articulated vehicle (a tractor and its trailer,
 * whose coupling is a metal-free gap too), or null when they can: exactly one coupling, long
 * enough overall, a towing unit and a trailer of plausible lengths, and bodies of comparable
 * density on both loops (both chassis ride at the same height over the loop).
 */
function notArticulated(body: BodyGaps): string | null {
  if (body.gaps.length > 1) return `${body.gaps.length} gaps of air: more bodies than a tractor and its trailer`;
  if (body.lengthM < T.mergedMaxLengthM) return `${f1(body.lengthM)} m is too short for an articulated vehicle (< ${T.mergedMaxLengthM} m)`;
  const [tractor, trailer] = body.pieces as [number, number];
  if (tractor < P.minTractorPieceM) return `the part ahead of the gap (${f1(tractor)} m) is shorter than any tractor (${P.minTractorPieceM} m)`;
  if (tractor > T.maxTractorM) return `the part ahead of the gap (${f1(tractor)} m) is longer than any towing unit (${T.maxTractorM} m)`;
  if (trailer < T.minTrailerM) return `the part behind the gap (${f1(trailer)} m) is shorter than any trailer (${T.minTrailerM} m)`;
  for (const [name, m] of [['A', body.pieceMediansA], ['B', body.pieceMediansB]] as const) {
    const lower = m[0]! < m[1]! ? m[0]! : m[1]!;
    const higher = m[0]! < m[1]! ? m[1]! : m[0]!;
    if (!(higher > 0) || lower / higher < T.minHumpBalance) {
      return `the bodies beside the gap differ too much in metal density for tractor and trailer on loop ${name} (${Math.round((100 * lower) / higher)} % < ${Math.round(T.minHumpBalance * 100)} %)`;
    }
  }
  return null;
}

/**
 * `dlr1-speed/1.2.0`'s separation of merged pairs from long single vehicles, on physical
 * grounds. The metal density along the vehicle is reconstructed from each loop (see
 * {@link vehicleDensity}). Two vehicles leave air between them, so the density falls toward
 * zero on BOTH loops at the same point of the vehicle; a bus's or coach's signal dips between
 * its axle groups as deep as that, but its chassis is continuous metal, so its density stays at
 * the floor level and no common gap appears: one vehicle, whatever the raw signal's valleys.
 * Bodies separated by air are one vehicle only as a tractor with its trailer. When the
 * reconstruction cannot be had, is too coarse (a low sample rate at high speed) or is not
 * trustworthy (markedly negative density), 1.1.0's test
 * (a deep dip of the raw signal that no tractor/trailer geometry explains) decides.
 */
export function checkMergedPairs(
  resA: LoopResidual,
  resB: LoopResidual,
  pair: PairedPass,
  shift: ShiftEstimate,
  kin: PassKinematics,
  sampleRateHz: number,
  spacingM: number,
  loopLengthM: number,
): Rejection<'MULTIPLE_VEHICLES'> | null {
  // Sampled coarser than half the narrowest fringe blur, the density cannot show a gap of air.
  const travelPerSample = (kin.frontSpeed + kin.rearSpeed) / 2 / sampleRateHz;
  const resolved = travelPerSample <= P.densityMaxTravelPerSampleM;
  const density = resolved ? vehicleDensity(resA, resB, pair, shift, spacingM, loopLengthM) : null;
  // A body must give each loop what detection would see of a vehicle on its own.
  const levels = {
    a: Math.max(T.onSigmas * resA.sigma, P.minBodyPeakFraction * pair.a.peak),
    b: Math.max(T.onSigmas * resB.sigma, P.minBodyPeakFraction * pair.b.peak),
  };
  const body = density === null ? null : findBodyGaps(density, loopLengthM, levels);
  if (body === null || body.minFraction < -P.densityTrustFraction) {
    const valley = checkMergedVehicles(resA, resB, pair, shift, kin, sampleRateHz);
    if (valley === null) return null;
    const why = !resolved
      ? `metal density not resolved (${travelPerSample.toFixed(2)} m of travel per sample)`
      : body === null
        ? 'metal density not reconstructable'
        : `metal density not trusted (lowest ${Math.round(body.minFraction * 100)} % of the median)`;
    return reject('MULTIPLE_VEHICLES', `${valley.detail}; ${why}`);
  }
  if (body.gaps.length === 0) return null;
  const why = notArticulated(body);
  if (why === null) return null;
  const where = body.gaps.map((g) => `${f1(g.atM)} m (${Math.round(g.ratio * 100)} % of the bodies beside it)`).join(', ');
  return reject(
    'MULTIPLE_VEHICLES',
    `two vehicles merged into one occupancy: metal density falls toward zero on both loops at ${where} behind the front; ${why}; parts ${body.pieces.map(f1).join(' + ')} m`,
  );
}
