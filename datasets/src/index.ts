/**
 * @speedledger/datasets — the meter firmware stand-in: a physical dual-loop simulator, a
 * simulated fleet of São Paulo meters, traffic days, and signed DLR1 readings with ground truth.
 */
export { encodeSignedDlr1, encodeUnsignedDlr1, type Dlr1Fields } from './dlr1/dlr1-encode.js';
export { deriveMeterSigner, meterSignerFromPem, meterSignerFromScalar, normaliseLowS, type MeterSigner } from './dlr1/meter-signer.js';
export type { VehicleClass } from './physics/vehicle.js';
export { VEHICLE_CLASSES } from './physics/vehicle.js';
export type { PassKind } from './physics/pass-kind.js';
export { HARD_PASS_KINDS, EXPECTED_REASONS } from './physics/pass-kind.js';
export type { ManifestEntry, GeneratedReading } from './dataset/manifest-entry.js';
export type { FleetMeter, Fleet } from './fleet/fleet.js';
export { DatasetOptionsError, type DatasetOptions, type DatasetOptionsErrorCode } from './dataset/dataset-options.js';
export { createDataset, type Dataset } from './dataset/create-dataset.js';
export { writeDataset } from './adapters/write-dataset.js';
export { createReadingStream, type ReadingStream, type ReadingStreamOptions } from './stream/reading-stream.js';
export { realClock } from './runtime/real-clock.js';
