import { peer } from '@hyperledger/fabric-protos';
import type { Identity } from '../msp/index.js';
import type { ChannelPolicyEvaluator } from './channel-policy-evaluation.js';
import { evaluateSignaturePolicy } from './signature-policy-evaluation.js';
import { decodeBounded } from '@speedledger/orderer-bft';

/**
 * Evaluates a chaincode's endorsement policy, `peer.ApplicationPolicy` bytes as a definition
 * stores them: a signature policy directly, a channel config policy reference through
 * `channelPolicy`. Unparsable bytes or an unset policy are unsatisfied (fail closed).
 */
export function evaluateApplicationPolicy(bytes: Uint8Array, signers: readonly Identity[], channelPolicy: ChannelPolicyEvaluator): boolean {
  let policy: peer.ApplicationPolicy;
  try {
    policy = decodeBounded(peer.ApplicationPolicy, bytes);
  } catch {
    return false;
  }
  switch (policy.getTypeCase()) {
    case peer.ApplicationPolicy.TypeCase.SIGNATURE_POLICY:
      return evaluateSignaturePolicy(policy.getSignaturePolicy()!, signers);
    case peer.ApplicationPolicy.TypeCase.CHANNEL_CONFIG_POLICY_REFERENCE:
      return channelPolicy(policy.getChannelConfigPolicyReference(), signers);
    default:
      return false;
  }
}
