import type { PassKind } from '../physics/pass-kind.js';
import type { VehicleClass } from '../physics/vehicle.js';

/**
 * Ground truth of one generated reading: a line of `manifest.jsonl`. Times are seconds from
 * sample 0 of the reading; `tAFrontS`/`tBFrontS` are when the vehicle's front crosses the
 * leading edge of loop A/B (for a reversed pass: the edge it meets first), null where that
 * loop never sees the vehicle.
 */
export interface ManifestEntry {
  /** Relative to the dataset directory, e.g. `readings/SP-000001-000000001.dlr`. */
  file: string;
  meterId: string;
  seq: number;
  /** t0_us of the reading as a decimal string (int64). */
  t0Us: string;
  kind: PassKind;
  vehicleClass: VehicleClass | null;
  /** Mean speed across the gap, true spacing / (tB − tA); null when no single vehicle is measurable. */
  referenceSpeedKmh: number | null;
  vehicleLengthM: number | null;
  expected: 'accepted' | 'rejected';
  /** Any one of these is a correct rejection; [] when expected accepted. */
  expectedReasons: string[];
  tAFrontS: number | null;
  tBFrontS: number | null;
}

/** One signed reading and its ground truth. */
export interface GeneratedReading {
  /** Base file name, e.g. `SP-000001-000000001.dlr` (the manifest's `file` adds `readings/`). */
  fileName: string;
  /** The signed DLR1 bytes. */
  bytes: Uint8Array;
  truth: ManifestEntry;
}

/** The reading's file name: meter id and zero-padded seq. */
export function readingFileName(meterId: string, seq: number | bigint): string {
  return `${meterId}-${String(seq).padStart(9, '0')}.dlr`;
}
