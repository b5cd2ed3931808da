import type { common } from '@hyperledger/fabric-protos';
import type { Identity } from '../msp/identity.js';
import { applicationPolicyFromDsl, evaluateSignaturePolicy, parseSignaturePolicy } from '../policy/index.js';

/**
 * The lifecycle approval rule as a signature policy over organisations, e.g.
 * `AND('InmetroMSP.member', OutOf(3, 'InmetroMSP.member', ...))`, read as a formula over "this
 * organisation approved": an approval satisfies every `member` slot of its MSP. Fabric's
 * evaluator consumes a signer per slot (so one signer per organisation would make the example
 * unsatisfiable with three approvals); each approving organisation is therefore given one
 * stand-in member per principal of the policy. Throws the policy layer's error on a bad DSL.
 */
export function approvalRuleFromDsl(dsl: string): (approving: readonly string[]) => boolean {
  return approvalRuleFromEnvelope(parseSignaturePolicy(dsl));
}

/**
 * {@link approvalRuleFromDsl} for a policy already parsed, e.g. the channel config's
 * LifecycleEndorsement signature policy. Stand-ins carry the `peer` role, so `member` and `peer`
 * principals are satisfied by an approval (an approval is endorsed by the organisation's peer).
 */
export function approvalRuleFromEnvelope(envelope: common.SignaturePolicyEnvelope): (approving: readonly string[]) => boolean {
  const slots = Math.max(1, envelope.getIdentitiesList().length);
  return (approving) => {
    const members: Identity[] = [];
    for (const mspId of new Set(approving)) {
      for (let i = 0; i < slots; i++) {
        // Only the MSP id matters to a `member` principal; distinct bytes keep the copies distinct.
        members.push({ mspId, role: 'peer', serialized: new TextEncoder().encode(`${mspId}#${i}`) } as unknown as Identity);
      }
    }
    return evaluateSignaturePolicy(envelope, members);
  };
}

/** An endorsement-policy DSL as `peer.ApplicationPolicy` bytes (what a committed definition stores). */
export function compileEndorsementPolicy(dsl: string): Uint8Array {
  return applicationPolicyFromDsl(dsl).serializeBinary();
}
