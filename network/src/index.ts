/**
 * @speedledger/network: the embedded multi-organisation network — crypto material in Fabric's
 * layout, the channel genesis block, detached orderer and peer processes, chaincode deployment
 * through the Fabric Gateway, connection profiles and `network.json`.
 */
export { NetworkError, NETWORK_ERROR_CODES, type NetworkErrorCode } from './errors/network-error.js';
export {
  CHAINCODE_ENDORSEMENT_POLICY, CHAINCODE_NAME, CHANNEL_ID, findOrg, GOVERNANCE, LIFECYCLE_APPROVAL_POLICY, NETWORK_ORGS, type NetworkOrg,
} from './plan/network-orgs.js';
export { planNetwork, portSpan, PORT_STRIDE, type NetworkPlan, type PlannedMember, type PlanOptions } from './plan/network-plan.js';
export {
  buildManifest, MANIFEST_FORMAT, type ManifestChaincode, type ManifestIdentity, type ManifestOrg, type ManifestProcess, type NetworkManifest,
} from './manifest/network-manifest.js';
export { generateMaterial, networkChannelSpec, GENESIS_BLOCK_FILE, REGISTRAR_ATTRS, type GeneratedMaterial } from './material/generate-material.js';
export { lifecycleEndorsementDsl, lifecycleEndorsementPolicy } from './material/channel-policies.js';
export { connectionProfile, connectionProfileFile } from './config/connection-profile.js';
export { ordererConfig, peerConfig, type PeerConfigFile } from './config/member-configs.js';
export { upNetwork, defaultPackageFile, type UpOptions } from './runtime/up-network.js';
export {
  connectionProfilePath, downNetwork, identityDir, killProcess, networkStatus, startProcess, type NetworkStatus,
} from './runtime/network-control.js';
export { readManifest, MANIFEST_FILE } from './runtime/manifest-store.js';
export { memberHealth, type MemberHealth, type MemberState, type PeerChaincodeStatus, type PeerStatus } from './runtime/member-health.js';
export { purgeNetwork } from './runtime/purge-network.js';
export { busyPorts, describeBusyPorts, portHolders, type BusyPort, type PortHolder, type PortNeed } from './runtime/port-check.js';
export { certificateSha256, expectedIdentity, identityMismatch, probeIdentity, type ExpectedIdentity, type IdentityProbe } from './runtime/member-identity-check.js';
export { checkChaincodePackage, parsePackageId, type CheckedPackage } from './runtime/package-check.js';
export {
  queryApproved, queryCommitted, queryInstalled, type ApprovedDefinition, type CommittedDefinition, type InstalledChaincode,
} from './runtime/lifecycle-queries.js';
export {
  approveDefinition, commitDefinition, commitReadiness, deployChaincode, installPackage, listDefinitions, packageFingerprint,
  LIFECYCLE_CHAINCODE, type ChaincodeDefinitionInput,
} from './runtime/chaincode-lifecycle.js';
export { openGatewaySession, gatewayMessage, type GatewaySession } from './adapters/gateway-session.js';
export { freeBasePort } from './runtime/free-base-port.js';
export { missingBuildOutput } from './runtime/missing-build-output.js';
export {
  probeService, readServices, servicePid, servicesStatus, SERVICES_FILE, startServices, stopServices, type ExtraServiceSpec, type ExtraServicesProvider, type ServiceContext,
  type ServiceHealth, type ServiceHealthStatus, type ServiceRecord,
} from './runtime/extra-services.js';
