import { common, peer } from '@hyperledger/fabric-protos';
import { describe, expect, it } from 'vitest';
import type { StoredPackage } from '../chaincode/index.js';
import { LIFECYCLE_NAMESPACE, refusalKey, type ChaincodeDefinition } from '../lifecycle/index.js';
import { MemoryState } from '../lifecycle/test-support/memory-state.js';
import type { SigningIdentity } from '../msp/index.js';
import { createRefusalRecorder } from './refusal-recorder.js';

const identity = { mspId: 'LaSIGEMSP', serialized: new TextEncoder().encode('peer-id'), certificatePem: '', sign: () => new Uint8Array([9]) } as SigningIdentity;
const definition: ChaincodeDefinition = { name: 'lr-chaincode', version: '1', sequence: 3, packageSha256: 'a'.repeat(64), endorsementPolicy: 'x', applicationPolicy: new Uint8Array() };
const actual = { sha256: 'b'.repeat(64), label: 'lr-chaincode_1', file: 'f', packageId: 'p' } as StoredPackage;

function endorsed(): peer.ProposalResponse {
  const response = new peer.ProposalResponse();
  const status = new peer.Response();
  status.setStatus(200);
  response.setResponse(status);
  response.setPayload(new Uint8Array([1]));
  response.setEndorsement(new peer.Endorsement());
  return response;
}

function recorder(state: MemoryState, submit: (envelope: common.Envelope) => Promise<void>, proposals: string[]) {
  return createRefusalRecorder({
    channelId: 'speedledger', peerName: 'peer0.lasige', identity, state, log: { log: () => undefined },
    endorser: () => ({
      processProposal: async (signed) => {
        const proposal = peer.Proposal.deserializeBinary(signed.getProposalBytes_asU8());
        const input = peer.ChaincodeInvocationSpec.deserializeBinary(peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8()).getInput_asU8());
        proposals.push(input.getChaincodeSpec()!.getInput()!.getArgsList_asU8().map((a) => new TextDecoder().decode(a)).join(' '));
        return endorsed();
      },
    }),
    submit,
  });
}

describe('refusal recorder', () => {
  it('submits one signed RecordPackageRefusal per chaincode sequence', async () => {
    const envelopes: common.Envelope[] = [];
    const proposals: string[] = [];
    const record = recorder(new MemoryState(), async (e) => void envelopes.push(e), proposals);
    await Promise.all([record(definition, actual), record(definition, actual)]);
    expect(envelopes).toHaveLength(1);
    expect(envelopes[0]!.getSignature_asU8()).toEqual(new Uint8Array([9]));
    expect(proposals[0]).toContain('RecordPackageRefusal');
    expect(JSON.parse(proposals[0]!.slice('RecordPackageRefusal '.length))).toEqual({
      name: 'lr-chaincode', sequence: 3, expectedSha256: definition.packageSha256, actualSha256: actual.sha256, peer: 'peer0.lasige',
    });
  });

  it('retries after a failed submission, and skips a refusal already in state', async () => {
    let fail = true;
    const envelopes: common.Envelope[] = [];
    const record = recorder(new MemoryState(), async (e) => {
      if (fail) throw new Error('no orderer');
      envelopes.push(e);
    }, []);
    await record(definition, actual);
    fail = false;
    await record(definition, actual);
    expect(envelopes).toHaveLength(1);

    const recorded = new MemoryState();
    recorded.values.set(`${LIFECYCLE_NAMESPACE}\u0000${refusalKey('LaSIGEMSP', 'lr-chaincode', 3, 'peer0.lasige')}`, new Uint8Array([1]));
    const none: common.Envelope[] = [];
    await recorder(recorded, async (e) => void none.push(e), [])(definition, actual);
    expect(none).toEqual([]);
  });
});
