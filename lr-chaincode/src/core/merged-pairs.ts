import type { LoopResidual } from './baseline.js';
import { PROFILE_TUNING as P } from './measurement-tuning.js';
import { checkMergedVehicles } from './merged-vehicles.js';
import { findDensityGaps, reconstructDensity, type DensityGap } from './metal-density.js';
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
  const { gaps, minFraction } = findDensityGaps(rho, front, rear, metresPerSample, P.minDensityPieceM, P.gapDensityFraction);
  return { rho, gaps, minFraction, front };
}

/**
 * `dlr1-speed/1.2.0`'s separation of merged pairs from long single vehicles, on physical
 * grounds. 1.1.0's test (a deep dip of the raw signal that no tractor/trailer geometry
 * explains) finds every candidate; 1.2.0 then reconstructs the metal density along the vehicle
 * from each loop (see {@link reconstructDensity}). Two vehicles leave air between them, so the
 * density falls toward zero, on BOTH loops at the same point of the vehicle. A bus's or coach's
 * signal dips between its axle groups as deep, but its chassis is continuous metal: no common
 * gap, the density stays at the floor level, so it is one vehicle. The density only ever
 * clears a 1.1.0 refusal, never adds one: on a loop whose edges respond differently than the
 * model assumes, its echoes must not refuse a clean car. When the reconstruction is not
 * trustworthy (markedly negative density) 1.1.0's verdict stands.
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
  // gives goes markedly negative (impossible for metal), it is not trusted: 1.1.0's verdict stands.
  const trusted = a.minFraction >= -P.densityTrustFraction && b.minFraction >= -P.densityTrustFraction;
  const common = trusted ? a.gaps.filter((g) => b.gaps.some((h) => Math.abs(h.atM - g.atM) <= P.gapAgreementM)) : [];
  // 1.1.0's test: a deep dip of the raw signal that the geometry cannot explain.
  const valley = checkMergedVehicles(resA, resB, pair, shift, kin, sampleRateHz);
  if (valley === null) return null;
  // A dip without air on both loops at the same point of the vehicle, over a chassis that never
  // falls below the floor level (clearly on one loop, or moderately on both), is a bus's or
  // coach's axle groups.
  const lower = a.minFraction < b.minFraction ? a.minFraction : b.minFraction;
  const higher = a.minFraction < b.minFraction ? b.minFraction : a.minFraction;
  if (trusted && common.length === 0 && (higher >= P.chassisDensityFraction || lower >= P.chassisBothFraction)) return null;
  const density = trusted
    ? `metal density lowest ${Math.round(a.minFraction * 100)} % (A), ${Math.round(b.minFraction * 100)} % (B) of the body` +
      (common.length > 0 ? `, falling toward zero on both loops at ${common.map((g) => `${f1(g.atM)} m`).join(', ')}` : '')
    : 'metal density not reconstructable';
  return reject('MULTIPLE_VEHICLES', `${valley.detail}; ${density}`);
}
