import type { ChannelPolicy, PeerChannelConfig } from '../channel/index.js';
import type { Identity } from '../msp/index.js';
import { evaluateSignaturePolicy } from './signature-policy-evaluation.js';

/** Evaluates a channel config policy by path; what {@link ValidationContext.evaluateChannelPolicy} needs. */
export type ChannelPolicyEvaluator = (path: string, signers: readonly Identity[]) => boolean;

/** The parts of a channel config policy evaluation reads. */
export type ChannelPolicies = Pick<PeerChannelConfig, 'policies' | 'groups'>;

/** An absolute policy path; relative names resolve against `/Channel`, as the channel's policy manager does. */
function absolute(path: string): string {
  return path.startsWith('/') ? path : `/Channel/${path}`;
}

function evaluate(config: ChannelPolicies, path: string, signers: readonly Identity[]): boolean {
  const policy: ChannelPolicy | undefined = config.policies.get(path);
  if (policy === undefined) return false;
  if (policy.kind === 'signature') return evaluateSignaturePolicy(policy.envelope, signers);
  const group = path.slice(0, path.lastIndexOf('/'));
  const children = config.groups.get(group) ?? [];
  // Fabric: with no sub-groups the threshold is 0, whatever the rule.
  if (children.length === 0) return true;
  const threshold = policy.rule === 'ANY' ? 1 : policy.rule === 'ALL' ? children.length : Math.floor(children.length / 2) + 1;
  let met = 0;
  for (const child of children) {
    // A sub-group lacking the sub-policy counts as unsatisfied (Fabric's reject policy).
    if (evaluate(config, `${group}/${child}/${policy.subPolicy}`, signers)) met += 1;
    if (met >= threshold) return true;
  }
  return false;
}

/**
 * Evaluates the channel config policy at `path` (e.g. `/Channel/Application/Endorsement`, or
 * relative `Application/Endorsement`): SignaturePolicy as {@link evaluateSignaturePolicy};
 * ImplicitMeta ANY / ALL / MAJORITY over the sub-groups' policy of that name, each evaluated
 * with all signers. An unknown path is unsatisfied.
 */
export function evaluateChannelPolicy(config: ChannelPolicies, path: string, signers: readonly Identity[]): boolean {
  return evaluate(config, absolute(path), signers);
}

/** {@link evaluateChannelPolicy} bound to one channel config. */
export function createChannelPolicyEvaluator(config: ChannelPolicies): ChannelPolicyEvaluator {
  return (path, signers) => evaluateChannelPolicy(config, path, signers);
}
