import { MEASUREMENT_TUNING as T } from './measurement-tuning.js';
import { reject, type Rejection } from './rejection.js';
import type { ShiftEstimate } from './shift-estimation.js';

/** Reasons the validity stage can give. */
export type ValidityReason = 'REVERSE_DIRECTION' | 'LOW_CORRELATION' | 'SPEED_OUT_OF_RANGE' | 'MULTIPLE_VEHICLES' | 'NON_CONSTANT_SPEED';

/** Speeds and length derived from a shift estimate, SI units. */
export interface PassKinematics {
  /** Mean speed of the front across the gap (the reference speed), m/s. */
  readonly frontSpeed: number;
  /** Same for the rear, m/s. */
  readonly rearSpeed: number;
  /** Seconds between the front and the rear crossing the middle of the gap. */
  readonly frontToRearSeconds: number;
  /** Vehicle length estimate, metres. */
  readonly lengthM: number;
}

function fixed(x: number, digits: number): string {
  return x.toFixed(digits);
}

/** Speeds and length from the shift estimate (samples) at `sampleRateHz`. */
export function passKinematics(shift: ShiftEstimate, spacingM: number, sampleRateHz: number): PassKinematics {
  const frontSpeed = (spacingM * sampleRateHz) / shift.frontShift;
  const rearSpeed = (spacingM * sampleRateHz) / shift.rear.shift;
  const frontMid = shift.front.timeA + shift.front.shift / 2;
  const rearMid = shift.rear.timeA + shift.rear.shift / 2;
  const frontToRearSeconds = (rearMid - frontMid) / sampleRateHz;
  const meanSpeed = (frontSpeed + rearSpeed) / 2;
  const lengthM = (meanSpeed * (shift.durationA + shift.durationB)) / 2 / sampleRateHz;
  return { frontSpeed, rearSpeed, frontToRearSeconds, lengthM };
}

/**
 * The rules that make a timed pass a sound measurement: forward direction, speed in the legal
 * range, one shape on both loops, a speed steady enough that front and rear agree within what
 * mild acceleration explains, and a plausible length. Returns null when all hold.
 * `unsteady` is the code of the two steadiness refusals: `LOW_CORRELATION` in 1.1.0,
 * `NON_CONSTANT_SPEED` from 1.2.0 on (same rule, its own code).
 */
export function checkValidity(
  shift: ShiftEstimate,
  kin: PassKinematics,
  unsteady: 'LOW_CORRELATION' | 'NON_CONSTANT_SPEED' = 'LOW_CORRELATION',
): Rejection<ValidityReason> | null {
  if (shift.front.levels === 0 || shift.rear.levels === 0) {
    return reject('LOW_CORRELATION', `edges could not be timed on both loops (front levels ${shift.front.levels}, rear levels ${shift.rear.levels})`);
  }
  if (!(shift.frontShift > 0) || !(shift.front.shift > 0) || !(shift.rear.shift > 0)) {
    return reject('REVERSE_DIRECTION', `loop B leads loop A (front shift ${fixed(shift.front.shift, 2)}, rear shift ${fixed(shift.rear.shift, 2)} samples)`);
  }
  const kmh = kin.frontSpeed * 3.6;
  if (kmh < T.minSpeedKmh || kmh > T.maxSpeedKmh) {
    return reject('SPEED_OUT_OF_RANGE', `speed ${fixed(kmh, 2)} km/h outside ${T.minSpeedKmh}..${T.maxSpeedKmh} km/h`);
  }
  if (shift.warp.correlation < T.minCorrelation) {
    return reject(
      'LOW_CORRELATION',
      `loop signals do not match as one vehicle at a steady speed: correlation ${fixed(shift.warp.correlation, 3)} < ${T.minCorrelation}`,
    );
  }
  const edgeGap = Math.abs(shift.frontShift - shift.front.shift);
  const edgeAllowed = T.edgeAgreementSamples + T.edgeAgreementFraction * shift.front.shift;
  if (edgeGap > edgeAllowed) {
    return reject(
      unsteady,
      `front timing disagrees: whole-signal fit ${fixed(shift.frontShift, 2)} vs leading edges ${fixed(shift.front.shift, 2)} samples ` +
        `(at most ${fixed(edgeAllowed, 2)} apart): the vehicle's speed is not steady`,
    );
  }
  const relativeSlack = T.speedConsistencySlack + T.edgeAgreementSamples / shift.front.shift;
  const allowed = T.maxAccelerationMs2 * Math.abs(kin.frontToRearSeconds) + relativeSlack * kin.frontSpeed;
  const difference = Math.abs(kin.rearSpeed - kin.frontSpeed);
  if (difference > allowed) {
    return reject(
      unsteady,
      `speed not steady: front ${fixed(kin.frontSpeed * 3.6, 2)} km/h, rear ${fixed(kin.rearSpeed * 3.6, 2)} km/h ` +
        `${fixed(kin.frontToRearSeconds, 3)} s later; at most ${fixed(allowed * 3.6, 2)} km/h difference allowed`,
    );
  }
  if (kin.lengthM > T.maxVehicleLengthM) {
    return reject('MULTIPLE_VEHICLES', `occupancy ${fixed(kin.lengthM, 1)} m long exceeds any single vehicle (${T.maxVehicleLengthM} m)`);
  }
  return null;
}
