import type { LoopDetection, OccupancySegment } from './detection.js';
import { MEASUREMENT_TUNING as T } from './measurement-tuning.js';
import { reject, type Rejection } from './rejection.js';

/** The one vehicle both loops saw. */
export interface PairedPass {
  readonly a: OccupancySegment;
  readonly b: OccupancySegment;
}

/** Reasons the pairing stage can give. */
export type PairingReason = 'NO_VEHICLE' | 'SINGLE_LOOP' | 'MULTIPLE_VEHICLES' | 'CLIPPED';

const CLIPPED_COUNT = 65535;

function round1(x: number): string {
  return (Math.round(x * 10) / 10).toString();
}

/** First clipped sample in [from, to] of either loop, or -1. */
function firstClipped(loopA: Uint16Array, loopB: Uint16Array, from: number, to: number): number {
  for (let i = Math.max(0, from); i <= to && i < loopA.length; i++) {
    if (loopA[i] === CLIPPED_COUNT || loopB[i] === CLIPPED_COUNT) return i;
  }
  return -1;
}

/**
 * Decides whether the window holds exactly one vehicle seen by both loops, and which occupancy
 * on each loop is that vehicle. Any doubt is a rejection: a legal record is right or absent.
 * Order matters for the reason given: a saturated detector invalidates everything after it, and
 * an empty loop is a clearer reason than a count of segments.
 */
export function pairPass(
  loopA: Uint16Array,
  loopB: Uint16Array,
  detA: LoopDetection,
  detB: LoopDetection,
  smoothingWidth: number,
): PairedPass | Rejection<PairingReason> {
  const all = [...detA.segments, ...detB.segments];
  const guard = smoothingWidth;
  if (all.length === 0) {
    const clip = firstClipped(loopA, loopB, 0, loopA.length - 1);
    if (clip >= 0) return reject('CLIPPED', `clipped sample (65535) at ${clip} and no measurable occupancy`);
    return reject('NO_VEHICLE', `no occupancy: peaks ${round1(detA.peak)} (A) and ${round1(detB.peak)} (B) counts are within the noise`);
  }
  for (const seg of all) {
    const clip = firstClipped(loopA, loopB, seg.footOn - guard, seg.footOff + guard);
    if (clip >= 0) return reject('CLIPPED', `clipped sample (65535) at ${clip}, inside an occupancy ${seg.footOn}..${seg.footOff}`);
  }
  if (detA.segments.length === 0 || detB.segments.length === 0) {
    const seen = detA.segments.length === 0 ? 'B' : 'A';
    return reject('SINGLE_LOOP', `only loop ${seen} saw a vehicle (peaks A ${round1(detA.peak)}, B ${round1(detB.peak)} counts)`);
  }
  if (detA.segments.length > 1 || detB.segments.length > 1) {
    return reject('MULTIPLE_VEHICLES', `${detA.segments.length} occupancies on loop A and ${detB.segments.length} on loop B`);
  }
  const a = detA.segments[0]!;
  const b = detB.segments[0]!;
  const ratio = b.peak / a.peak;
  if (ratio > T.maxPeakRatio || ratio < 1 / T.maxPeakRatio) {
    return reject(
      'SINGLE_LOOP',
      `loop peaks ${round1(a.peak)} (A) and ${round1(b.peak)} (B) differ by more than gain can explain (ratio ${round1(ratio * 100)} %): the vehicle fully crossed one loop only`,
    );
  }
  for (const [name, det] of [['A', detA], ['B', detB]] as const) {
    if (det.stray) {
      return reject('MULTIPLE_VEHICLES', `a second object on loop ${name}: ${round1(det.stray.level)} counts at sample ${det.stray.index}, outside the main occupancy`);
    }
  }
  return { a, b };
}
