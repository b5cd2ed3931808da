/** Membership: identities of channel members, their roles, signatures, and local signing identities. */
export type { Identity, NodeRole, SigningIdentity } from './identity.js';
export { MspError, MSP_ERROR_CODES, type MspErrorCode } from './msp-error.js';
export {
  createMspManager, isIdentityFailure, type IdentityFailure, type MspDefinitionInput, type MspManager, type MspManagerOptions,
} from './msp-manager.js';
export { nodeRoleOf } from './node-role.js';
export { verifySignature } from './verify-signature.js';
export { serializeIdentity, signingIdentityFromPem } from './signing-identity.js';
export { loadSigningIdentity } from './adapters/msp-signing-identity.js';
