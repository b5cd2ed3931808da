import { peer } from '@hyperledger/fabric-protos';
import { describe, expect, it } from 'vitest';
import { encodeDefinition } from './definition-codec.js';
import { LIFECYCLE_ENDORSEMENT_POLICY, LIFECYCLE_NAMESPACE, definitionKey } from './lifecycle-keys.js';
import { createLifecycleNamespacePolicy } from './namespace-policy.js';
import { MemoryState } from './test-support/memory-state.js';

const compiled = (dsl: string) => new TextEncoder().encode(`compiled:${dsl}`);
const policyOf = createLifecycleNamespacePolicy({ compilePolicy: compiled });

describe('lifecycle namespace policies', () => {
  it('approvals and refusals need the approving organisation\'s peer', async () => {
    const state = new MemoryState();
    expect(await policyOf(LIFECYCLE_NAMESPACE, 'approvals/PTBMSP/lr-chaincode/1', state)).toEqual({ kind: 'application', policy: compiled("OR('PTBMSP.peer')") });
    expect(await policyOf(LIFECYCLE_NAMESPACE, 'refusals/LaSIGEMSP/lr-chaincode/1/peer0', state)).toEqual({ kind: 'application', policy: compiled("OR('LaSIGEMSP.peer')") });
  });

  it('definitions need the channel LifecycleEndorsement policy', async () => {
    const result = await policyOf(LIFECYCLE_NAMESPACE, 'definitions/lr-chaincode', new MemoryState());
    expect(result.kind).toBe('application');
    const policy = peer.ApplicationPolicy.deserializeBinary((result as { policy: Uint8Array }).policy);
    expect(policy.getChannelConfigPolicyReference()).toBe(LIFECYCLE_ENDORSEMENT_POLICY);
  });

  it('unknown _lifecycle keys, odd MSP ids and undefined chaincodes are undefined', async () => {
    const state = new MemoryState();
    for (const key of ['approvals/X', 'other/key', "approvals/A'MSP/cc/1"]) {
      expect(await policyOf(LIFECYCLE_NAMESPACE, key, state)).toEqual({ kind: 'undefined' });
    }
    expect(await policyOf('lr-chaincode', 'k', state)).toEqual({ kind: 'undefined' });
  });

  it('a user chaincode\'s keys need its committed definition\'s policy', async () => {
    const state = new MemoryState();
    const applicationPolicy = compiled('OutOf(2, ...)');
    const definition = { name: 'lr-chaincode', version: '1', sequence: 1, packageSha256: 'c'.repeat(64), endorsementPolicy: 'OutOf(2, ...)', applicationPolicy };
    state.values.set(`${LIFECYCLE_NAMESPACE}\u0000${definitionKey('lr-chaincode')}`, encodeDefinition(definition));
    expect(await policyOf('lr-chaincode', 'meter/1', state)).toEqual({ kind: 'application', policy: applicationPolicy });
  });
});
