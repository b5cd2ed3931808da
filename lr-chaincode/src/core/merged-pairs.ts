import type { LoopResidual } from './baseline.js';
import { MEASUREMENT_TUNING as T, PROFILE_TUNING as P } from './measurement-tuning.js';
import { checkMergedVehicles } from './merged-vehicles.js';
import { findDensityGaps, medianDensityBetween, reconstructDensity, type DensityGap } from './metal-density.js';
import type { PairedPass } from './pairing.js';
import { reject, type Rejection } from './rejection.js';
import type { ShiftEstimate } from './shift-estimation.js';
import type { PassKinematics } from './validity.js';

function f1(x: number): string {
  return x.toFixed(1);
}

interface LoopProfile {
  readonly rho: Float64Array;
  readonly gaps: DensityGap[];
  /** Lowest interior density over the median density. */
  readonly minFraction: number;
  /** Sample offset (into rho) of the front reference. */
  readonly front: number;
}

function profile(loop: LoopResidual, seg: PairedPass['a'], frontTime: number, rearTime: number, metresPerSample: number, loopLengthM: number): LoopProfile {
  // Start ahead of the foot (where the signal is still at baseline) so the whole front ramp counts.
  const start = Math.max(0, seg.footOn - Math.ceil(P.densityLeadM / metresPerSample));
  const rho = reconstructDensity(loop.residual, start, seg.footOff, loopLengthM / metresPerSample, P.densitySlopeHalfM / metresPerSample);
  // The edge-level crossings are timed with the front about half a loop in; the density at the
  // front enters at the loop's leading edge, half a loop earlier.
  const half = loopLengthM / 2 / metresPerSample;
  const front = frontTime - start - half;
  const rear = rearTime - start - half;
  const { gaps, minFraction } = findDensityGaps(rho, front, rear, metresPerSample, T.minPieceM, P.gapDensityFraction);
  return { rho, gaps, minFraction, front };
}

/**
 * `dlr1-speed/1.2.0`'s separation of merged pairs from long single vehicles, on physical
 * grounds: the metal density along the vehicle is reconstructed from each loop (see
 * {@link reconstructDensity}); two vehicles leave air between them, so the density falls
 * toward zero, and it does so on BOTH loops at the same point of the vehicle. A bus's or
 * coach's signal dips between its axle groups too, but its chassis is continuous metal: the
 * density stays at the floor level, so it is one vehicle however deep the raw signal dips.
 * A gap seen on both loops is then judged by 1.1.0's geometry: a truck's coupling is a real
 * gap, so an articulated vehicle (long enough, a tractor-sized part ahead, trailer-sized parts
 * behind, comparable densities) is still one vehicle; anything else is two.
 */
export function checkMergedPairs(
  resA: LoopResidual,
  resB: LoopResidual,
  pair: PairedPass,
  shift: ShiftEstimate,
  kin: PassKinematics,
  sampleRateHz: number,
  loopLengthM: number,
): Rejection<'MULTIPLE_VEHICLES'> | null {
  const metresPerSample = (kin.frontSpeed + kin.rearSpeed) / 2 / sampleRateHz;
  if (!(metresPerSample > 0)) return null;
  const frontA = shift.front.timeA;
  const rearA = shift.rear.timeA;
  const a = profile(resA, pair.a, frontA, rearA, metresPerSample, loopLengthM);
  const b = profile(resB, pair.b, frontA + shift.front.shift, rearA + shift.rear.shift, metresPerSample, loopLengthM);
  // The recursion is exact only for a loop whose two edges respond alike; where the density it
  // gives goes markedly negative (impossible for metal), it is not trusted and 1.1.0's rule decides.
  if (a.minFraction < -P.densityTrustFraction || b.minFraction < -P.densityTrustFraction) return checkMergedVehicles(resA, resB, pair, shift, kin, sampleRateHz);
  const common: DensityGap[] = [];
  for (const g of a.gaps) {
    const last = common[common.length - 1];
    // Dips closer than the shortest vehicle are one gap.
    if (b.gaps.some((h) => Math.abs(h.atM - g.atM) <= P.gapAgreementM) && !(last && g.atM - last.atM < T.minPieceM)) common.push(g);
  }
  if (common.length === 0) {
    // No gap on both loops: a deep dip of the raw signal (1.1.0's test) still means two
    // vehicles unless one loop shows continuous chassis metal through the whole body.
    const valley = checkMergedVehicles(resA, resB, pair, shift, kin, sampleRateHz);
    if (valley === null || a.minFraction >= P.chassisDensityFraction || b.minFraction >= P.chassisDensityFraction) return null;
    return reject('MULTIPLE_VEHICLES', `${valley.detail}; the metal density does not stay at a chassis level (lowest ${Math.round(a.minFraction * 100)} % (A), ${Math.round(b.minFraction * 100)} % (B) of the body)`);
  }
  const where = common.map((g) => `${f1(g.atM)} m (density ${Math.round(g.fraction * 100)} % of the body)`).join(', ');
  const bounds = [0, ...common.map((g) => g.atM), kin.lengthM];
  const pieces: number[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) pieces.push(bounds[i + 1]! - bounds[i]!);
  let why: string | null = null;
  if (kin.lengthM < T.mergedMaxLengthM) why = `${f1(kin.lengthM)} m is too short for an articulated vehicle (< ${T.mergedMaxLengthM} m)`;
  else if (pieces[0]! < T.minTractorM) why = `the part ahead of the gap (${f1(pieces[0]!)} m) is shorter than any tractor (${T.minTractorM} m)`;
  else if (pieces[0]! > T.maxTractorM) why = `the part ahead of the gap (${f1(pieces[0]!)} m) is longer than any towing unit (${T.maxTractorM} m)`;
  for (let i = 1; i < pieces.length && why === null; i++) {
    if (pieces[i]! < T.minTrailerM) why = `a part behind a gap (${f1(pieces[i]!)} m) is shorter than any trailer (${T.minTrailerM} m)`;
  }
  if (why === null) {
    const toSample = (m: number): number => a.front + m / metresPerSample;
    for (let i = 0; i + 1 < pieces.length && why === null; i++) {
      const ahead = medianDensityBetween(a.rho, toSample(bounds[i]!), toSample(bounds[i + 1]!));
      const behind = medianDensityBetween(a.rho, toSample(bounds[i + 1]!), toSample(bounds[i + 2]!));
      const balance = Math.min(ahead, behind) / Math.max(ahead, behind);
      if (!(balance >= P.minDensityBalance)) why = `the parts beside a gap differ in metal density too much for tractor and trailer (${Math.round(balance * 100)} %)`;
    }
  }
  if (why === null) return null;
  return reject('MULTIPLE_VEHICLES', `two vehicles merged into one occupancy: the metal density falls toward zero on both loops at ${where}; ${why}`);
}
