import { channelPolicyReference } from '../policy/index.js';
import type { StateReader } from '../ledger/world-state.js';
import type { NamespacePolicy } from '../validation/block-validation.js';
import { readDefinition } from './definition-codec.js';
import { classifyLifecycleKey, LIFECYCLE_ENDORSEMENT_POLICY, LIFECYCLE_NAMESPACE } from './lifecycle-keys.js';

/** What the validator's `namespacePolicy` needs to build `_lifecycle` policies. */
export interface LifecyclePolicyOptions {
  /** Compiles a policy DSL (here `OR('XMSP.peer')`) to `peer.ApplicationPolicy` bytes; throws on a bad DSL. */
  compilePolicy(dsl: string): Uint8Array;
}

const UNDEFINED: NamespacePolicy = { kind: 'undefined' };

/**
 * The endorsement policy of a write, for `ValidationContext.namespacePolicy`: an organisation's
 * approvals and refusals need that organisation's peer; committed definitions need the channel's
 * LifecycleEndorsement policy; a user chaincode's keys need its committed definition's policy.
 * Anything else is undefined (its writes are invalid).
 */
export function createLifecycleNamespacePolicy(options: LifecyclePolicyOptions): (namespace: string, key: string, state: StateReader) => Promise<NamespacePolicy> {
  const byOrg = new Map<string, NamespacePolicy>();
  const definitionPolicy: NamespacePolicy = { kind: 'application', policy: channelPolicyReference(LIFECYCLE_ENDORSEMENT_POLICY).serializeBinary() };

  function orgPeer(mspId: string): NamespacePolicy {
    let policy = byOrg.get(mspId);
    if (policy === undefined) {
      // The MSP id comes from a key written by a transaction: anything that cannot be a principal is undefined.
      try {
        policy = /^[A-Za-z0-9._-]+$/.test(mspId) ? { kind: 'application', policy: options.compilePolicy(`OR('${mspId}.peer')`) } : UNDEFINED;
      } catch {
        policy = UNDEFINED;
      }
      if (byOrg.size < 1024) byOrg.set(mspId, policy);
    }
    return policy;
  }

  return async (namespace, key, state) => {
    if (namespace === LIFECYCLE_NAMESPACE) {
      const kind = classifyLifecycleKey(key);
      switch (kind.kind) {
        case 'approval':
        case 'refusal':
          return orgPeer(kind.mspId);
        case 'definition':
          return definitionPolicy;
        default:
          return UNDEFINED;
      }
    }
    try {
      const definition = await readDefinition(state, namespace);
      return definition === undefined ? UNDEFINED : { kind: 'application', policy: definition.applicationPolicy };
    } catch {
      return UNDEFINED;
    }
  };
}
