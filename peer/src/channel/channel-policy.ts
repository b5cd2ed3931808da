import { common } from '@hyperledger/fabric-protos';
import { ChannelError } from './channel-error.js';
import { decodeBounded } from '@speedledger/orderer-bft';

/** An ImplicitMeta rule: how many sub-groups' policies must be satisfied. */
export type ImplicitMetaRule = 'ANY' | 'ALL' | 'MAJORITY';

/** A channel config policy, parsed from its `common.Policy`. */
export type ChannelPolicy =
  | {
      readonly kind: 'signature';
      /** The policy as it appears in the config. */
      readonly policy: common.Policy;
      readonly envelope: common.SignaturePolicyEnvelope;
    }
  | {
      readonly kind: 'implicit-meta';
      readonly policy: common.Policy;
      readonly meta: common.ImplicitMetaPolicy;
      readonly rule: ImplicitMetaRule;
      /** Name of the policy evaluated in each sub-group, e.g. `Endorsement`. */
      readonly subPolicy: string;
    };

const RULES: Record<number, ImplicitMetaRule> = {
  [common.ImplicitMetaPolicy.Rule.ANY]: 'ANY',
  [common.ImplicitMetaPolicy.Rule.ALL]: 'ALL',
  [common.ImplicitMetaPolicy.Rule.MAJORITY]: 'MAJORITY',
};

/**
 * Parses a config `common.Policy` at `path` (for error messages). Throws INVALID_CONFIG_BLOCK for
 * unparsable values and for the types Fabric itself cannot evaluate (UNKNOWN, MSP).
 */
export function parseChannelPolicy(policy: common.Policy, path: string): ChannelPolicy {
  const bad = (why: string, cause?: unknown): never => {
    throw new ChannelError('INVALID_CONFIG_BLOCK', `policy ${path}: ${why}`, { path }, cause);
  };
  const type = policy.getType();
  if (type === common.Policy.PolicyType.SIGNATURE) {
    try {
      return { kind: 'signature', policy, envelope: decodeBounded(common.SignaturePolicyEnvelope, policy.getValue_asU8()) };
    } catch (cause) {
      return bad('value is not a SignaturePolicyEnvelope', cause);
    }
  }
  if (type === common.Policy.PolicyType.IMPLICIT_META) {
    let meta: common.ImplicitMetaPolicy | undefined;
    try {
      meta = decodeBounded(common.ImplicitMetaPolicy, policy.getValue_asU8());
    } catch (cause) {
      bad('value is not an ImplicitMetaPolicy', cause);
    }
    const rule = RULES[meta!.getRule()];
    if (rule === undefined) bad(`unknown ImplicitMeta rule ${meta!.getRule()}`);
    if (meta!.getSubPolicy() === '') bad('ImplicitMeta policy without a sub-policy name');
    return { kind: 'implicit-meta', policy, meta: meta!, rule: rule!, subPolicy: meta!.getSubPolicy() };
  }
  return bad(`policy type ${type} is not supported (only SIGNATURE and IMPLICIT_META)`);
}
