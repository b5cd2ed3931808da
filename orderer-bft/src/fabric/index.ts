/**
 * The Fabric layer: turns the PBFT core's decisions into genuine Hyperledger Fabric blocks
 * (ASN.1 header hashing, BFT block signatures a Fabric 3 peer verifies), plus the crypto
 * material the consenters sign with. Pure except `adapters/`.
 */
export { blockDataHash, blockHeaderBytes, blockHeaderHash, sha256, type BlockHeaderFields } from './block-hash.js';
export { createFabricAssembler, isWellFormedEnvelope, parseBlockHeader, proposalHeaderOf } from './fabric-assembler.js';
export { createFabricSigner, type FabricSigner, type FabricSignerOptions } from './fabric-signer.js';
export { createFabricVerifier, type FabricVerifierOptions } from './fabric-verifier.js';
export { resolveConsenters, type ConsenterIdentity, type ResolvedConsenter } from './consenter-identity.js';
export { blockSigningInput, signatureNonce, type BlockSigningInput } from './block-signature.js';
export {
  decodeBlockMetadataEntry, decodeIdentifierHeader, decodeMetadataSignature, encodeBlockMetadataEntry, encodeIdentifierHeader,
  encodeMetadataSignature, encodeViewMetadata, ordererBlockMetadataValue, type BlockMetadataEntry, type IdentifierHeader,
  type MetadataSignature,
} from './block-metadata.js';
export { loadPrivateKey, loadPublicKey, signP256, verifyP256, type SignatureEncoding } from './ecdsa.js';
export {
  generateOrganization, loadOrganization, type EnrolledIdentity, type EnrolOptions, type KeyPairPem, type NodeOu, type Organization,
  type OrganizationSpec,
} from './crypto-material.js';
export { FabricError, FABRIC_ERROR_CODES, type FabricErrorCode } from './errors.js';
export { sha256Hasher } from './sha256-hasher.js';
export { decisionToBlock, type DecisionToBlockOptions } from './decision-to-block.js';
export { verifyBlock, type BlockRejectionCode, type BlockVerification, type VerifyBlockOptions } from './verify-block.js';
export { validateEnvelope, type EnvelopeRejectionCode, type EnvelopeValidation, type ValidateEnvelopeOptions } from './validate-envelope.js';
export { createEnvelopeInspector, type EnvelopeInspectorOptions } from './envelope-inspector.js';
export { computeTxId, parseEnvelope, type ParsedEnvelope } from './parse-envelope.js';
export type { ChannelMembers, ChannelOrganization } from './channel-members.js';
export {
  ChannelValidationCache, channelValidationCache, DEFAULT_VALIDATION_CACHE_LIMITS, resetChannelValidationCache, type CertificateValidity,
  type TrustedCreator, type ValidationCacheLimits, type VerifiedEnvelope,
} from './channel-validation-cache.js';
export { BoundedLru } from './bounded-lru.js';
export { decodeBounded, MalformedProtobufError, prescanWire, type DecodableMessage } from './wire-prescan.js';
export { createGenesisBlock, channelGroup, DEFAULT_BATCH, type ApplicationPolicySpec, type ChannelSpec, type ApplicationOrganizationSpec, type OrdererOrganizationSpec } from './genesis-block.js';
export { readChannelConfig, type ChannelConfig, type ApplicationOrganization, type OrdererOrganization } from './channel-config.js';
export { decodeOrderers, encodeOrderers, type ConsenterEndpoint } from './consenter-mapping.js';
export { CONFIG_KEYS, type BatchParameters, type MspDefinition, type PolicyRole } from './config-values.js';
export { parseDuration } from './duration.js';
export { identityMspDir, nodeOuConfig, readMspIdentity, writeMsp, writeOrganization, type MspIdentity, type OrganizationKind, type OrganizationMaterial } from './adapters/msp-directory.js';
export { nodeOusOf, roleOf, rolePolicyProblem, rolesOfPolicy, type NodeOuIdentifiers, type OrganizationRoles } from './channel-roles.js';
