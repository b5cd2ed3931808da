import { loopResidual } from './baseline.js';
import { detectOccupancy } from './detection.js';
import { checkMergedPairs } from './merged-pairs.js';
import { checkMergedVehicles } from './merged-vehicles.js';
import { pairPass } from './pairing.js';
import { reject, type Rejection } from './rejection.js';
import { halfPeakOnset, estimateShift } from './shift-estimation.js';
import { checkSpeedProfile } from './speed-profile.js';
import { siteParameterProblems, type SiteParameters } from './site-parameters.js';
import { checkValidity, passKinematics } from './validity.js';

/** The first released algorithm: kept as code so records it computed can be re-executed. */
export const LR_ALGORITHM_V1_1_0 = 'dlr1-speed/1.1.0';
/** Adds NON_CONSTANT_SPEED (speed profile along the pass) and the density-gap test of merged pairs. */
export const LR_ALGORITHM_V1_2_0 = 'dlr1-speed/1.2.0';

/**
 * Identifies the speed algorithm new records are computed with. Recorded with every
 * measurement; bump it on any change that can alter a result.
 */
export const LR_ALGORITHM_VERSION = LR_ALGORITHM_V1_2_0;

/** Every algorithm version this software can execute, oldest first. */
export const LR_ALGORITHM_VERSIONS = [LR_ALGORITHM_V1_1_0, LR_ALGORITHM_V1_2_0] as const;

/** One of {@link LR_ALGORITHM_VERSIONS}. */
export type LrAlgorithmVersion = (typeof LR_ALGORITHM_VERSIONS)[number];

/** Where one loop saw the vehicle. */
export interface LoopDetection {
  /** First sample of the occupancy (signal above the "off" level). */
  onSample: number;
  /** Last sample of the occupancy. */
  offSample: number;
  /** Peak counts above baseline (smoothed, rounded). */
  peakCounts: number;
}

/** An accepted measurement. All numbers are integers except the derived `speedKmh`/`lengthM`. */
export interface SpeedMeasurement {
  ok: true;
  /** Speed in 0.01 km/h, rounded half up (the spec's 0.01 km/h rounding). */
  speedCentiKmh: number;
  /** `speedCentiKmh / 100`. */
  speedKmh: number;
  /** Vehicle length estimate, centimetres. */
  lengthCm: number;
  /** `lengthCm / 100`. */
  lengthM: number;
  loopA: LoopDetection;
  loopB: LoopDetection;
  /** Measured time shift B − A of the vehicle front, microseconds. */
  shiftMicros: number;
  /** Shape similarity of the two loops' signals, 0..1000. */
  correlationPermille: number;
  /** Shift B − A of the vehicle rear, microseconds (steadiness cross-check). */
  rearShiftMicros: number;
}

/** Why a reading gave no speed. `MALFORMED` only for input the decoder would never produce. */
export type MeasurementReason =
  | 'RATE_MISMATCH'
  | 'NO_VEHICLE'
  | 'SINGLE_LOOP'
  | 'MULTIPLE_VEHICLES'
  | 'REVERSE_DIRECTION'
  | 'CLIPPED'
  | 'LOW_CORRELATION'
  | 'SPEED_OUT_OF_RANGE'
  | 'NON_CONSTANT_SPEED'
  | 'MALFORMED';

/** A measurement or the reason there is none. */
export type MeasurementResult = SpeedMeasurement | Rejection<MeasurementReason>;

/** The samples the algorithm needs from a decoded reading. */
export interface LoopSignal {
  loopA: Uint16Array;
  loopB: Uint16Array;
  sampleRateHz: number;
}

function measure(signal: LoopSignal, site: SiteParameters, version: LrAlgorithmVersion): MeasurementResult {
  const v12 = version === LR_ALGORITHM_V1_2_0;
  const problems = siteParameterProblems(site);
  if (problems.length > 0) return reject('MALFORMED', `site parameters invalid: ${problems.join('; ')}`);
  const { loopA, loopB, sampleRateHz } = signal;
  if (!(loopA instanceof Uint16Array) || !(loopB instanceof Uint16Array) || loopA.length !== loopB.length || loopA.length < 16) {
    return reject('MALFORMED', 'loops must be two Uint16Arrays of equal length, at least 16 samples');
  }
  if (sampleRateHz !== site.sampleRateHz) {
    return reject('RATE_MISMATCH', `reading sampled at ${sampleRateHz} Hz, site approved at ${site.sampleRateHz} Hz`);
  }
  const resA = loopResidual(loopA, sampleRateHz);
  const resB = loopResidual(loopB, sampleRateHz);
  const detA = detectOccupancy(resA);
  const detB = detectOccupancy(resB);
  const pair = pairPass(loopA, loopB, detA, detB, resA.smoothingWidth);
  if ('ok' in pair) return pair;

  const onsetA = halfPeakOnset(resA.residual, pair.a);
  const onsetB = halfPeakOnset(resB.residual, pair.b);
  const coarse = onsetB - onsetA;
  if (!(coarse > 0)) {
    return reject('REVERSE_DIRECTION', `loop B rose first: half-peak onsets at ${onsetA.toFixed(1)} (A) and ${onsetB.toFixed(1)} (B)`);
  }
  const spacingM = site.spacingMm / 1000;
  const shift = estimateShift(resA.residual, resB.residual, pair.a, pair.b, coarse, spacingM, site.loopLengthMm / 1000, sampleRateHz);
  const kin = passKinematics(shift, spacingM, sampleRateHz);
  const invalid = checkValidity(shift, kin, v12 ? 'NON_CONSTANT_SPEED' : 'LOW_CORRELATION');
  if (invalid) return invalid;
  if (v12) {
    const unsteady = checkSpeedProfile(resA.residual, resB.residual, pair.a, pair.b, shift, spacingM, sampleRateHz);
    if (unsteady) return unsteady;
  }
  const merged = v12
    ? checkMergedPairs(resA, resB, pair, shift, kin, sampleRateHz, spacingM, site.loopLengthMm / 1000)
    : checkMergedVehicles(resA, resB, pair, shift, kin, sampleRateHz);
  if (merged) return merged;

  // Integer arithmetic where it decides the record: spacing (mm) × rate (Hz) × 0.36 / shift.
  const speedCentiKmh = Math.round((site.spacingMm * sampleRateHz * 36) / (shift.frontShift * 100));
  const lengthCm = Math.round(kin.lengthM * 100);
  const detection = (seg: typeof pair.a): LoopDetection => ({
    onSample: seg.on,
    offSample: seg.off,
    peakCounts: Math.round(seg.peak),
  });
  return {
    ok: true,
    speedCentiKmh,
    speedKmh: speedCentiKmh / 100,
    lengthCm,
    lengthM: lengthCm / 100,
    loopA: detection(pair.a),
    loopB: detection(pair.b),
    shiftMicros: Math.round((shift.frontShift * 1_000_000) / sampleRateHz),
    correlationPermille: Math.max(0, Math.min(1000, Math.round(shift.warp.correlation * 1000))),
    rearShiftMicros: Math.round((shift.rear.shift * 1_000_000) / sampleRateHz),
  };
}

/**
 * The LR speed algorithm: baseline removal, occupancy detection on each loop, pairing, edge
 * timing of the vehicle front (the reference) and rear (the cross-check), validity rules, and
 * the refusal of two vehicles whose signals merged into one occupancy.
 * Pure and deterministic (only + − × ÷, `Math.sqrt`, rounding and comparisons in fixed order),
 * so every endorser computes bit-identical results. Never throws.
 * `version` selects the algorithm (default: {@link LR_ALGORITHM_VERSION}); 1.1.0 re-executes
 * old records exactly as they were computed.
 */
export function measureSpeed(signal: LoopSignal, site: SiteParameters, version: LrAlgorithmVersion = LR_ALGORITHM_VERSION): MeasurementResult {
  if (!(LR_ALGORITHM_VERSIONS as readonly string[]).includes(version)) return reject('MALFORMED', `unknown algorithm version ${String(version)}`);
  try {
    return measure(signal, site, version);
  } catch (error) {
    // Unreachable by design; a throw must still not escape into a transaction.
    return reject('MALFORMED', `measurement failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
