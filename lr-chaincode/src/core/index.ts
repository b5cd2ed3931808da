/**
 * The LR pure core: no Fabric, no I/O, no clock. Everything here is importable by the
 * chaincode, the auditors' tools and analytics, and gives bit-identical results everywhere.
 */
export { DLR1, DLR1_MAX_BYTES, dlr1Length, isValidMeterId } from './dlr1-layout.js';
export type { Dlr1Reading } from './dlr1-reading.js';
export { decodeDlr1, type DecodeResult } from './dlr1-decode.js';
export { decodeAndVerify, type AuthenticReadingResult } from './decode-and-verify.js';
export { parseMeterPublicKey, type MeterPublicKey } from './meter-public-key.js';
export { verifyP256, verifyReadingSignature, type SignatureCheck } from './signature.js';
export { P256_ORDER, P256_HALF_ORDER, bytesToBigInt, bigIntToBytes } from './p256.js';
export { REJECTION_REASONS, reject, isRejectionReason, type Rejection, type RejectionReason } from './rejection.js';
export { siteParameterProblems, type SiteParameters } from './site-parameters.js';
export {
  measureSpeed,
  LR_ALGORITHM_VERSION,
  LR_ALGORITHM_V1_1_0,
  LR_ALGORITHM_V1_2_0,
  LR_ALGORITHM_VERSIONS,
  type LrAlgorithmVersion,
  type LoopSignal,
  type LoopDetection,
  type SpeedMeasurement,
  type MeasurementReason,
  type MeasurementResult,
} from './measure-speed.js';
export { MEASUREMENT_TUNING, PROFILE_TUNING, type MeasurementTuning } from './measurement-tuning.js';
export { reconstructDensity } from './metal-density.js';
