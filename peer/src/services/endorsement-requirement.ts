import { common, ledger, peer } from '@hyperledger/fabric-protos';
import type { StateReader } from '../ledger/world-state.js';
import type { Identity } from '../msp/identity.js';
import { evaluateApplicationPolicy, type ChannelPolicyEvaluator } from '../policy/index.js';
import type { NamespacePolicy } from '../validation/block-validation.js';
import { decodeBounded } from '@speedledger/orderer-bft';

/** Whether endorsements from peers of these organisations would satisfy every policy a transaction needs. */
export type EndorsementRequirement = (mspIds: readonly string[]) => boolean;

/** What the requirement is derived from: local state and the validator's own policy lookup. */
export interface EndorsementRequirementOptions {
  readonly state: StateReader;
  namespacePolicy(namespace: string, key: string, state: StateReader): Promise<NamespacePolicy>;
  readonly evaluateChannelPolicy: ChannelPolicyEvaluator;
}

/** The key Fabric's state-based endorsement stores a key-level policy under. */
const VALIDATION_PARAMETER = 'VALIDATION_PARAMETER';

/** Keys a proposal response writes (values or metadata), by namespace. */
export function writtenKeys(response: peer.ProposalResponse): { namespace: string; key: string }[] {
  const payload = decodeBounded(peer.ProposalResponsePayload, response.getPayload_asU8());
  const action = decodeBounded(peer.ChaincodeAction, payload.getExtension_asU8());
  const rwset = decodeBounded(ledger.rwset.TxReadWriteSet, action.getResults_asU8());
  const keys: { namespace: string; key: string }[] = [];
  for (const ns of rwset.getNsRwsetList()) {
    const kv = decodeBounded(ledger.rwset.kvrwset.KVRWSet, ns.getRwset_asU8());
    const names = new Set([...kv.getWritesList().map((w) => w.getKey()), ...kv.getMetadataWritesList().map((w) => w.getKey())]);
    for (const key of names) keys.push({ namespace: ns.getNamespace(), key });
  }
  return keys;
}

function keyLevelPolicy(envelopeBytes: Uint8Array): Uint8Array {
  // A key-level policy is a bare SignaturePolicyEnvelope; wrapping it lets one evaluator handle both kinds.
  const policy = new peer.ApplicationPolicy();
  policy.setSignaturePolicy(decodeBounded(common.SignaturePolicyEnvelope, envelopeBytes));
  return policy.serializeBinary();
}

/** A stand-in peer of an organisation: what a policy principal sees of a real endorser. */
function standInPeer(mspId: string): Identity {
  return { mspId, role: 'peer', serialized: new TextEncoder().encode(`${mspId}/peer`), certificate: { subject: '' } } as unknown as Identity;
}

/**
 * The policies a simulated transaction must satisfy, as the validator will check them: for
 * each written key its key-level VALIDATION_PARAMETER policy if it has one in local state, else
 * its namespace's policy (the chaincode definition's, or `_lifecycle`'s per key); a transaction
 * writing nothing needs its chaincode's policy. Returns why when a namespace is not defined.
 */
export async function endorsementRequirement(
  response: peer.ProposalResponse, chaincodeName: string, options: EndorsementRequirementOptions,
): Promise<EndorsementRequirement | { readonly error: string }> {
  let keys: { namespace: string; key: string }[];
  try {
    keys = writtenKeys(response);
  } catch (cause) {
    return { error: `unreadable proposal response: ${(cause as Error).message}` };
  }
  const policies = new Map<string, Uint8Array>();
  const targets = keys.length === 0 ? [{ namespace: chaincodeName, key: '' }] : keys;
  for (const { namespace, key } of targets) {
    const keyPolicy = key === '' ? undefined : (await options.state.get(namespace, key))?.metadata.get(VALIDATION_PARAMETER);
    let bytes: Uint8Array;
    if (keyPolicy !== undefined) {
      try {
        bytes = keyLevelPolicy(keyPolicy);
      } catch {
        return { error: `key ${namespace}/${key} carries an unreadable key-level policy` };
      }
    } else {
      const policy = await options.namespacePolicy(namespace, key, options.state);
      if (policy.kind === 'undefined') return { error: `chaincode ${namespace} is not defined on the channel` };
      bytes = policy.policy;
    }
    policies.set(Buffer.from(bytes).toString('base64'), bytes);
  }
  return (mspIds) => {
    const signers = [...new Set(mspIds)].map(standInPeer);
    return [...policies.values()].every((p) => evaluateApplicationPolicy(p, signers, options.evaluateChannelPolicy));
  };
}

/**
 * The chaincode's own endorsement policy as a requirement, before any endorsement (undefined when
 * the chaincode is not defined): what the gateway uses to choose its first endorser.
 */
export async function chaincodeRequirement(chaincodeName: string, options: EndorsementRequirementOptions): Promise<EndorsementRequirement | undefined> {
  const policy = await options.namespacePolicy(chaincodeName, '', options.state);
  if (policy.kind === 'undefined') return undefined;
  return (mspIds) => evaluateApplicationPolicy(policy.policy, [...new Set(mspIds)].map(standInPeer), options.evaluateChannelPolicy);
}
