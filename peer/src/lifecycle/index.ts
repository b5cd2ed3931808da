/** `_lifecycle`: chaincode definitions approved per organisation and committed as ledger transactions. */
export type { ChaincodeDefinition } from './chaincode-definition.js';
export { createLifecycleChaincode, LIFECYCLE_FUNCTIONS, type InstalledPackageInfo, type LifecycleOptions } from './lifecycle-chaincode.js';
export { createLifecycleNamespacePolicy, type LifecyclePolicyOptions } from './namespace-policy.js';
export {
  decodeDefinition, encodeApproval, encodeDefinition, parseDefinitionParameters, readDefinition, type DefinitionParameters,
} from './definition-codec.js';
export {
  approvalKey, classifyLifecycleKey, definitionKey, refusalKey, LIFECYCLE_ENDORSEMENT_POLICY, LIFECYCLE_NAMESPACE, type LifecycleKeyKind,
} from './lifecycle-keys.js';
export { LifecycleRefusal, LIFECYCLE_ERROR_CODES, type LifecycleErrorCode } from './lifecycle-error.js';
export { canonicalJson } from './canonical-json.js';
export { approvalRuleFromDsl, approvalRuleFromEnvelope, compileEndorsementPolicy } from './approval-rule.js';
