import { common, google, gateway, peer } from '@hyperledger/fabric-protos';
import { describe, expect, it } from 'vitest';
import { endorseTransaction, type GatewayEndorser } from './gateway-endorse.js';
import { proposalParts } from './proposal-parts.js';
import { gatewayRpcError, GrpcStatus } from './rpc-error.js';
import { proposalResponse, signedProposal } from './test-support/fabric-messages.js';

const signed = signedProposal('speedledger', 'lr-chaincode');
const parts = proposalParts(signed) as Exclude<ReturnType<typeof proposalParts>, { error: string }>;

function endorser(mspId: string, answer: () => Promise<peer.ProposalResponse>, calls: string[]): GatewayEndorser {
  return { name: `peer0.${mspId}`, mspId, address: `${mspId}:7051`, processor: { processProposal: () => (calls.push(mspId), answer()) } };
}
const ok = (mspId: string, result = 'r') => async () => proposalResponse(200, '', result, mspId);
// Two of Inmetro, PTB, LaSIGE (the embedded network's chaincode policy), as a stand-in requirement.
const twoOfThree = async () => (orgs: readonly string[]) => orgs.filter((o) => ['InmetroMSP', 'PTBMSP', 'LaSIGEMSP'].includes(o)).length >= 2;

function endorsersOf(envelope: common.Envelope): string[] {
  const tx = peer.Transaction.deserializeBinary(common.Payload.deserializeBinary(envelope.getPayload_asU8()).getData_asU8());
  const action = peer.ChaincodeActionPayload.deserializeBinary(tx.getActionsList()[0]!.getPayload_asU8()).getAction()!;
  return action.getEndorsementsList().map((e) => new TextDecoder().decode(e.getEndorser_asU8()));
}

describe('gateway endorsement plan', () => {
  it('uses the local peer and just enough other organisations, and assembles Fabric\'s prepared transaction', async () => {
    const calls: string[] = [];
    const result = await endorseTransaction({
      parts, signed, local: endorser('InmetroMSP', ok('InmetroMSP'), calls),
      others: [endorser('CityOperatorMSP', ok('CityOperatorMSP'), calls), endorser('PTBMSP', ok('PTBMSP'), calls), endorser('LaSIGEMSP', ok('LaSIGEMSP'), calls)],
      requirement: twoOfThree, endorsingOrganizations: [],
    });
    expect('prepared' in result).toBe(true);
    const prepared = (result as { prepared: common.Envelope }).prepared;
    expect(prepared.getSignature_asU8().byteLength).toBe(0);
    expect(endorsersOf(prepared)).toEqual(['InmetroMSP', 'PTBMSP']);
    expect(calls).toEqual(['InmetroMSP', 'PTBMSP']);
    const payload = common.Payload.deserializeBinary(prepared.getPayload_asU8());
    expect(payload.getHeader()!.serializeBinary()).toEqual(peer.Proposal.deserializeBinary(signed.getProposalBytes_asU8()).getHeader_asU8());
    const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
    const cap = peer.ChaincodeActionPayload.deserializeBinary(tx.getActionsList()[0]!.getPayload_asU8());
    expect(peer.ChaincodeProposalPayload.deserializeBinary(cap.getChaincodeProposalPayload_asU8()).getTransientmapMap().getLength()).toBe(0);
  });

  it('asks a policy organisation first when the gateway\'s own organisation is not in the chaincode policy', async () => {
    const calls: string[] = [];
    const inPolicy = (orgs: readonly string[]) => orgs.filter((o) => ['InmetroMSP', 'PTBMSP', 'LaSIGEMSP'].includes(o)).length >= 2;
    const result = await endorseTransaction({
      parts, signed, local: endorser('CityOperatorMSP', ok('CityOperatorMSP'), calls),
      others: [endorser('InmetroMSP', ok('InmetroMSP'), calls), endorser('PTBMSP', ok('PTBMSP'), calls), endorser('LaSIGEMSP', ok('LaSIGEMSP'), calls)],
      requirement: async () => inPolicy, endorsingOrganizations: [], chaincodePolicy: inPolicy,
    });
    expect(endorsersOf((result as { prepared: common.Envelope }).prepared)).toEqual(['InmetroMSP', 'PTBMSP']);
    expect(calls).toEqual(['InmetroMSP', 'PTBMSP']);
    // That first peer down: the local peer simulates instead, and the plan is still met.
    const again: string[] = [];
    const down = async (): Promise<peer.ProposalResponse> => { throw new Error('connect ECONNREFUSED'); };
    const fallback = await endorseTransaction({
      parts, signed, local: endorser('CityOperatorMSP', ok('CityOperatorMSP'), again),
      others: [endorser('InmetroMSP', down, again), endorser('PTBMSP', ok('PTBMSP'), again), endorser('LaSIGEMSP', ok('LaSIGEMSP'), again)],
      requirement: async () => inPolicy, endorsingOrganizations: [], chaincodePolicy: inPolicy,
    });
    expect(endorsersOf((fallback as { prepared: common.Envelope }).prepared)).toEqual(['PTBMSP', 'LaSIGEMSP']);
    expect(again).toEqual(['InmetroMSP', 'CityOperatorMSP', 'PTBMSP', 'LaSIGEMSP']);
  });

  it('replaces a failing organisation by the next candidate and reports the failure only if the plan cannot be met', async () => {
    const calls: string[] = [];
    const down = async (): Promise<peer.ProposalResponse> => { throw new Error('connect ECONNREFUSED'); };
    const replaced = await endorseTransaction({
      parts, signed, local: endorser('InmetroMSP', ok('InmetroMSP'), calls),
      others: [endorser('PTBMSP', down, calls), endorser('LaSIGEMSP', ok('LaSIGEMSP'), calls)],
      requirement: twoOfThree, endorsingOrganizations: [],
    });
    expect(endorsersOf((replaced as { prepared: common.Envelope }).prepared)).toEqual(['InmetroMSP', 'LaSIGEMSP']);

    const failed = await endorseTransaction({
      parts, signed, local: endorser('InmetroMSP', ok('InmetroMSP'), []),
      others: [endorser('PTBMSP', down, []), endorser('CityOperatorMSP', ok('CityOperatorMSP'), [])],
      requirement: twoOfThree, endorsingOrganizations: [],
    });
    expect(failed).toEqual({ failure: { kind: 'insufficient', details: [{ address: 'PTBMSP:7051', mspId: 'PTBMSP', message: 'connect ECONNREFUSED' }] } });
  });

  it('refuses payloads that differ between endorsers (ENDORSEMENT_MISMATCH)', async () => {
    const result = await endorseTransaction({
      parts, signed, local: endorser('InmetroMSP', ok('InmetroMSP', 'a'), []), others: [endorser('PTBMSP', ok('PTBMSP', 'b'), [])],
      requirement: twoOfThree, endorsingOrganizations: [],
    });
    expect(result).toMatchObject({ failure: { kind: 'insufficient', details: [{ mspId: 'PTBMSP', message: expect.stringMatching(/^ENDORSEMENT_MISMATCH/) }] } });
  });

  it('reports the local chaincode error as the first endorser\'s failure', async () => {
    const result = await endorseTransaction({
      parts, signed, local: endorser('InmetroMSP', async () => proposalResponse(500, 'BAD_SIGNATURE: reading signature invalid', '', 'InmetroMSP'), []), others: [],
      requirement: twoOfThree, endorsingOrganizations: [],
    });
    expect(result).toEqual({ failure: { kind: 'first-endorser', details: [{ address: 'InmetroMSP:7051', mspId: 'InmetroMSP', message: 'BAD_SIGNATURE: reading signature invalid' }] } });
  });

  it('says no plan exists when the known peers cannot satisfy the policy, or a policy lookup fails', async () => {
    const local = endorser('InmetroMSP', ok('InmetroMSP'), []);
    expect(await endorseTransaction({ parts, signed, local, others: [], requirement: twoOfThree, endorsingOrganizations: [] })).toMatchObject({ failure: { kind: 'no-plan' } });
    expect(await endorseTransaction({ parts, signed, local, others: [], requirement: async () => ({ error: 'chaincode x is not defined on the channel' }), endorsingOrganizations: [] }))
      .toEqual({ failure: { kind: 'no-plan', message: 'chaincode x is not defined on the channel' } });
    expect(await endorseTransaction({ parts, signed, local, others: [], requirement: twoOfThree, endorsingOrganizations: ['NopeMSP'] })).toMatchObject({ failure: { kind: 'no-plan' } });
  });
});

describe('gateway errors', () => {
  it('carry endpoint details where fabric-gateway reads them', () => {
    const error = gatewayRpcError(GrpcStatus.ABORTED, 'failed to endorse transaction', [{ address: 'a:1', mspId: 'InmetroMSP', message: 'boom' }]);
    expect(error.code).toBe(GrpcStatus.ABORTED);
    const [bytes] = error.metadata.get('grpc-status-details-bin') as Buffer[];
    const detail = google.rpc.Status.deserializeBinary(bytes!).getDetailsList()[0]!;
    const parsed = gateway.ErrorDetail.deserializeBinary(detail.getValue_asU8());
    expect([parsed.getAddress(), parsed.getMspId(), parsed.getMessage()]).toEqual(['a:1', 'InmetroMSP', 'boom']);
    expect(gatewayRpcError(GrpcStatus.INVALID_ARGUMENT, 'x').metadata.get('grpc-status-details-bin')).toEqual([]);
  });

  it('proposal unpacking names what is missing', () => {
    expect(proposalParts(undefined)).toEqual({ error: 'a signed proposal is required' });
    expect(proposalParts(signedProposal('', 'cc'))).toEqual({ error: 'no channel id provided' });
    expect(proposalParts(signedProposal('speedledger', ''))).toEqual({ error: 'no chaincode name is provided, channel id [speedledger]' });
    const garbage = new peer.SignedProposal();
    garbage.setProposalBytes(new Uint8Array([0xff, 0xff, 0xff]));
    expect(proposalParts(garbage)).toHaveProperty('error');
    expect(parts).toMatchObject({ channelId: 'speedledger', chaincodeName: 'lr-chaincode', txId: 'tx1', hasTransientData: true });
  });
});
