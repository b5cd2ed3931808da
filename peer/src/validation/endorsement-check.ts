import { common, peer } from '@hyperledger/fabric-protos';
import type { Identity } from '../msp/index.js';
import { verifySignature } from '../msp/index.js';
import { evaluateApplicationPolicy, evaluateSignaturePolicy } from '../policy/index.js';
import type { BlockOverlay } from './block-overlay.js';
import type { ValidationContext } from './block-validation.js';
import { namespaceWrites, type EndorserAction, type NamespaceRwSet } from './endorser-action.js';
import { refuse, type Refusal } from './parse-transaction.js';
import { decodeBounded } from '@speedledger/orderer-bft';

const C = peer.TxValidationCode;
/** The key-level endorsement policy's metadata entry name (`peer.MetaDataKeys.VALIDATION_PARAMETER`). */
export const VALIDATION_PARAMETER = 'VALIDATION_PARAMETER';

/**
 * The endorsers whose signature over `proposal_response_payload ‖ endorser` verifies and whose
 * identity deserialises on the channel. Others are dropped, not fatal, as Fabric drops them from
 * the signature set (the policy then decides). Duplicates are removed by the policy evaluation.
 */
export function verifiedEndorsers(action: EndorserAction, ctx: Pick<ValidationContext, 'deserialize'>): Identity[] {
  const endorsers: Identity[] = [];
  for (const endorsement of action.endorsements) {
    const endorserBytes = endorsement.getEndorser_asU8();
    const identity = ctx.deserialize(endorserBytes);
    if ('error' in identity) continue;
    const message = Buffer.concat([action.proposalResponsePayload, endorserBytes]);
    if (verifySignature(identity, message, endorsement.getSignature_asU8())) endorsers.push(identity);
  }
  return endorsers;
}

function keyLevelPolicySatisfied(vp: Uint8Array, endorsers: readonly Identity[]): boolean {
  let envelope: common.SignaturePolicyEnvelope;
  try {
    envelope = decodeBounded(common.SignaturePolicyEnvelope, vp);
  } catch {
    return false;
  }
  return evaluateSignaturePolicy(envelope, endorsers);
}

/**
 * Fabric's v20 endorsement validation (`validator_keylevel`): the invoked chaincode's namespace
 * and every namespace written are checked. In each, every written key (value or metadata) with a
 * key-level `VALIDATION_PARAMETER` in committed state must satisfy that SignaturePolicyEnvelope;
 * keys without one must satisfy the namespace's policy (a namespace without writes: its policy
 * once). A namespace not defined on the channel → INVALID_CHAINCODE; a policy not met →
 * ENDORSEMENT_POLICY_FAILURE; so is a write to a key whose validation parameter an earlier
 * transaction of this block (that passed this stage) updated — Fabric's
 * ValidationParameterUpdatedError.
 */
export async function checkEndorsementPolicies(
  action: EndorserAction, endorsers: readonly Identity[], ctx: ValidationContext, overlay: BlockOverlay,
): Promise<Refusal | undefined> {
  const toCheck: { namespace: string; rwset?: NamespaceRwSet['rwset'] }[] = action.namespaces.filter(namespaceWrites);
  if (!toCheck.some((ns) => ns.namespace === action.chaincodeName)) toCheck.unshift({ namespace: action.chaincodeName });
  const verdicts = new Map<string, boolean>();
  const namespaceSatisfied = async (namespace: string, key: string): Promise<Refusal | undefined> => {
    const policy = await ctx.namespacePolicy(namespace, key, overlay);
    if (policy.kind === 'undefined') return refuse(C.INVALID_CHAINCODE, `chaincode '${namespace}' is not defined on the channel`);
    const cacheKey = Buffer.from(policy.policy).toString('base64');
    let ok = verdicts.get(cacheKey);
    if (ok === undefined) {
      ok = evaluateApplicationPolicy(policy.policy, endorsers, (path, signers) => ctx.evaluateChannelPolicy(path, signers));
      verdicts.set(cacheKey, ok);
    }
    return ok ? undefined : refuse(C.ENDORSEMENT_POLICY_FAILURE, `endorsements do not satisfy the policy of '${namespace}'${key === '' ? '' : ` for key '${key}'`}`);
  };
  for (const { namespace, rwset } of toCheck) {
    const keys = rwset === undefined ? [] : [...new Set([...rwset.getWritesList().map((w) => w.getKey()), ...rwset.getMetadataWritesList().map((w) => w.getKey())])];
    // The definition is looked up first, as Fabric's dispatcher does: an undefined chaincode is
    // INVALID_CHAINCODE even when every key carries its own policy.
    const defined = await ctx.namespacePolicy(namespace, keys[0] ?? '', overlay);
    if (defined.kind === 'undefined') return refuse(C.INVALID_CHAINCODE, `chaincode '${namespace}' is not defined on the channel`);
    if (keys.length === 0) {
      const problem = await namespaceSatisfied(namespace, '');
      if (problem) return problem;
      continue;
    }
    for (const key of keys) {
      if (overlay.metadataUpdated(namespace, key)) {
        return refuse(C.ENDORSEMENT_POLICY_FAILURE, `validation parameter of '${namespace}/${key}' was changed earlier in this block`);
      }
      const vp = (await ctx.state.get(namespace, key))?.metadata.get(VALIDATION_PARAMETER);
      if (vp !== undefined && vp.byteLength > 0) {
        if (!keyLevelPolicySatisfied(vp, endorsers)) return refuse(C.ENDORSEMENT_POLICY_FAILURE, `endorsements do not satisfy the key-level policy of '${namespace}/${key}'`);
        continue;
      }
      const problem = await namespaceSatisfied(namespace, key);
      if (problem) return problem;
    }
  }
  return undefined;
}
