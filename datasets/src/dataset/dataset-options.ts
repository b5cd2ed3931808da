import { DLR1 } from '@speedledger/lr-chaincode/core';
import { HARD_PASS_KINDS, type PassKind } from '../physics/pass-kind.js';
import { VEHICLE_CLASSES, type VehicleClass } from '../physics/vehicle.js';

/** What to generate. */
export interface DatasetOptions {
  /** Number of meters (1..999999). */
  meters: number;
  /** Total readings across all meters, taken along the traffic day. */
  readings: number;
  /** Everything (sites, keys, traffic, signals) follows from this seed. */
  seed: number;
  /** Share of hard cases: clean 0, default ~5 %, hard ~50 %. */
  mix?: 'clean' | 'default' | 'hard';
  /** When given, speeds are uniform in this range (accuracy sweeps) instead of traffic speeds. */
  speedRangeKmh?: [number, number];
  /** Restrict the hard kinds drawn (the share of hard cases still follows `mix`). */
  kinds?: PassKind[];
  /** Restrict vehicle classes. */
  classes?: VehicleClass[];
  /** ADC rate every meter is approved with; default 1000. */
  sampleRateHz?: number;
  /** Local São Paulo date of the traffic day, `YYYY-MM-DD`; default 2026-03-02 (a Monday). */
  day?: string;
}

/** Stable codes of option problems. */
export type DatasetOptionsErrorCode = 'BAD_METERS' | 'BAD_READINGS' | 'BAD_SEED' | 'BAD_MIX' | 'BAD_SPEED_RANGE' | 'BAD_CLASSES' | 'BAD_KINDS' | 'BAD_RATE' | 'BAD_DAY' | 'BAD_SPEEDUP' | 'BAD_CLOCK' | 'BAD_SEQ';

/** Thrown by createDataset/writeDataset for options it cannot honour. */
export class DatasetOptionsError extends Error {
  override readonly name = 'DatasetOptionsError';
  constructor(
    readonly code: DatasetOptionsErrorCode,
    message: string,
    readonly option: string,
  ) {
    super(message);
  }
}

export const DEFAULT_DAY = '2026-03-02';
export const DEFAULT_SAMPLE_RATE_HZ = 1000;

/** Share of hard cases per mix. */
export const HARD_SHARE: Readonly<Record<NonNullable<DatasetOptions['mix']>, number>> = { clean: 0, default: 0.05, hard: 0.5 };

/** Checks options; throws {@link DatasetOptionsError} naming the first bad one. */
export function validateDatasetOptions(o: DatasetOptions): void {
  const int = (v: unknown, min: number, max: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
  if (!int(o.meters, 1, 999_999)) throw new DatasetOptionsError('BAD_METERS', `meters must be an integer in 1..999999, got ${String(o.meters)}`, 'meters');
  if (!int(o.readings, 0, 100_000_000)) throw new DatasetOptionsError('BAD_READINGS', `readings must be an integer in 0..100000000, got ${String(o.readings)}`, 'readings');
  if (!int(o.seed, -(2 ** 53 - 1), 2 ** 53 - 1)) throw new DatasetOptionsError('BAD_SEED', `seed must be a safe integer, got ${String(o.seed)}`, 'seed');
  if (o.mix !== undefined && !(o.mix in HARD_SHARE)) throw new DatasetOptionsError('BAD_MIX', `mix must be clean, default or hard, got ${String(o.mix)}`, 'mix');
  if (o.speedRangeKmh !== undefined) {
    const r = o.speedRangeKmh;
    if (!Array.isArray(r) || r.length !== 2 || !(r[0] > 0) || !(r[1] >= r[0]) || !(r[1] <= 1000)) {
      throw new DatasetOptionsError('BAD_SPEED_RANGE', `speedRangeKmh must be [lo, hi] with 0 < lo ≤ hi ≤ 1000, got ${JSON.stringify(r)}`, 'speedRangeKmh');
    }
  }
  if (o.classes !== undefined && (!Array.isArray(o.classes) || o.classes.length === 0 || o.classes.some((c) => !VEHICLE_CLASSES.includes(c)))) {
    throw new DatasetOptionsError('BAD_CLASSES', `classes must be a non-empty list of ${VEHICLE_CLASSES.join(', ')}`, 'classes');
  }
  if (o.kinds !== undefined && (!Array.isArray(o.kinds) || o.kinds.length === 0 || o.kinds.some((k) => !HARD_PASS_KINDS.includes(k)))) {
    throw new DatasetOptionsError('BAD_KINDS', `kinds must be a non-empty list of ${HARD_PASS_KINDS.join(', ')}`, 'kinds');
  }
  if (o.sampleRateHz !== undefined && !int(o.sampleRateHz, DLR1.MIN_SAMPLE_RATE_HZ, DLR1.MAX_SAMPLE_RATE_HZ)) {
    throw new DatasetOptionsError('BAD_RATE', `sampleRateHz must be an integer in ${DLR1.MIN_SAMPLE_RATE_HZ}..${DLR1.MAX_SAMPLE_RATE_HZ}, got ${String(o.sampleRateHz)}`, 'sampleRateHz');
  }
  if (o.day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(o.day)) throw new DatasetOptionsError('BAD_DAY', `day must be YYYY-MM-DD, got ${JSON.stringify(o.day)}`, 'day');
}
