/** Policies: Fabric's signature-policy DSL, and evaluation of signature, ImplicitMeta and application policies. */
export { PolicyError, POLICY_ERROR_CODES, type PolicyErrorCode } from './policy-error.js';
export { applicationPolicyFromDsl, channelPolicyReference, parseSignaturePolicy } from './policy-dsl.js';
export { satisfiesPrincipal } from './principal-match.js';
export { distinctSigners, evaluateSignaturePolicy } from './signature-policy-evaluation.js';
export {
  createChannelPolicyEvaluator, evaluateChannelPolicy, type ChannelPolicies, type ChannelPolicyEvaluator,
} from './channel-policy-evaluation.js';
export { evaluateApplicationPolicy } from './application-policy-evaluation.js';
