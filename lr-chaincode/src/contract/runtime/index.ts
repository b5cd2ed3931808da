/**
 * What a host that runs chaincode on its own copies of the Fabric runtime libraries (the embedded
 * peer's unbundled runtime) needs from the package: the shim cost guards the package's bundle
 * applies to itself. Imports nothing, so loading it takes no logger before the guards run.
 */
export {
  applyShimCostGuards, CERTIFICATE_MEMO_ENTRIES, memoiseCertificateParse, SHIM_COST_GUARDS, skipDisabledLevels, skipDisabledLevelsOf,
  type ShimCostGuardTargets, type ShimLoggerModule, type X509Module,
} from './shim-cost-guards.js';
