/** User chaincode: packages, installation, and the in-process fabric-shim container the endorser runs. */
export type { ChaincodeResponse, SystemChaincode, SystemChaincodeCall } from './chaincode-response.js';
export type { ChaincodeContainer, ChaincodeInvocation } from './chaincode-container.js';
export { ChaincodeError, CHAINCODE_ERROR_CODES, type ChaincodeErrorCode } from './chaincode-error.js';
export { packageFingerprint, parseChaincodePackage, type ChaincodePackage } from './chaincode-package.js';
export { readTarGz, DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './ustar-reader.js';
export { satisfiesDeclaredVersion } from './dependency-version.js';
export { startInProcessContainer, type InProcessContainerOptions } from './in-process-container.js';
export { startDirectContainer } from './direct-container.js';
export { runtimePackages, type RuntimePackage } from './shim-runtime.js';
export { installPackage, readInstalledPackage, type InstalledPackage } from './adapters/install-package.js';
export { loadChaincode, type LoadChaincodeOptions, type LoadedChaincode } from './adapters/load-chaincode.js';
export { openPackageStore, type PackageStore, type StoredPackage } from './adapters/package-store.js';
