/**
 * The LR chaincode's Fabric contracts. `contracts` is what Fabric's node chaincode runtime loads
 * from the package's main module.
 */
import { GovernanceContract } from './governance-contract.js';
import { LrIdentityContract } from './lr-identity-contract.js';
import { MeterRegistryContract } from './meter-registry-contract.js';
import { SignatureServiceContract } from './signature-service-contract.js';
import { SpeedMeasurementContract } from './speed-measurement-contract.js';

export { GovernanceContract, LrIdentityContract, MeterRegistryContract, SignatureServiceContract, SpeedMeasurementContract };
export { CONTRACT_ERROR_CODES, ContractError, parseContractError, type ContractErrorCode, type ParsedContractError } from './contract-error.js';
export { canonicalJson, canonicalJsonBytes } from './canonical-json.js';
export type { Governance } from './governance.js';
export type { MeterRecord } from './meter-record.js';
export type { MeasurementRecord } from './measurement-record.js';
export type { LrIdentity } from './lr-identity.js';
export type { SpeedAlgorithm, SpeedResult } from './speed-algorithm.js';
export { summarisePolicy, type PolicySummary } from './endorsement-policy.js';
export { assessViolation, toleranceCentiKmh, type ViolationAssessment } from './violation.js';
export { REGISTRAR_ATTRIBUTE, REGISTRAR_ROLE } from './registrar-check.js';
export { LR_SOFTWARE_NAME, LR_SOFTWARE_VERSION } from './lr-identity.js';
export { MAX_BATCH } from './speed-measurement-contract.js';

/** The contract classes, SpeedMeasurement first (the default contract for unprefixed calls). */
export const contracts = [SpeedMeasurementContract, MeterRegistryContract, GovernanceContract, SignatureServiceContract, LrIdentityContract];
