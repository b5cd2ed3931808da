import { describe, expect, it } from 'vitest';
import type { ChaincodeResponse } from '../chaincode/chaincode-response.js';
import type { Identity } from '../msp/identity.js';
import { createLifecycleChaincode } from './lifecycle-chaincode.js';
import { readDefinition } from './definition-codec.js';
import { approvalKey, LIFECYCLE_NAMESPACE, refusalKey } from './lifecycle-keys.js';
import { fakeIdentity, MemoryState } from './test-support/memory-state.js';

const ORGS = ['InmetroMSP', 'PTBMSP', 'LaSIGEMSP', 'CityOperatorMSP'];
const POLICY = "OutOf(2, 'InmetroMSP.peer', 'PTBMSP.peer', 'LaSIGEMSP.peer')";
const SHA = 'a'.repeat(64);
const OTHER_SHA = 'b'.repeat(64);

// Stand-ins for the policy layer: the DSL is carried as bytes; the approval rule is the embedded network's.
const lifecycle = createLifecycleChaincode({
  organizations: ORGS,
  compilePolicy: (dsl) => {
    if (!dsl.includes('(')) throw new Error(`not a policy: ${dsl}`);
    return new TextEncoder().encode(dsl);
  },
  approvalsSatisfy: (approving) => approving.includes('InmetroMSP') && approving.length >= 3,
});

const definition = (overrides: Record<string, unknown> = {}) => ({ name: 'lr-chaincode', version: '1.0', sequence: 1, packageSha256: SHA, endorsementPolicy: POLICY, ...overrides });
const admin = (mspId: string) => fakeIdentity(mspId, 'admin');

async function run(state: MemoryState, creator: Identity, fn: string, arg?: unknown, commit = true): Promise<ChaincodeResponse> {
  const simulator = state.simulator();
  const args = [new TextEncoder().encode(fn), ...(arg === undefined ? [] : [new TextEncoder().encode(JSON.stringify(arg))])];
  const response = await lifecycle.invoke({ channelId: 'speedledger', txId: simulator.txId, args, creator, simulator, timestamp: new Date(0) });
  if (commit && response.status === 200) state.commit(simulator.writes);
  return response;
}

const json = (response: ChaincodeResponse): unknown => JSON.parse(new TextDecoder().decode(response.payload));

async function approveBy(state: MemoryState, orgs: readonly string[], def = definition()): Promise<void> {
  for (const org of orgs) expect((await run(state, admin(org), 'ApproveChaincodeDefinitionForMyOrg', def)).status).toBe(200);
}

describe('_lifecycle approvals', () => {
  it('writes the approval under the creator organisation as canonical JSON', async () => {
    const state = new MemoryState();
    await approveBy(state, ['PTBMSP']);
    const stored = (await state.get(LIFECYCLE_NAMESPACE, approvalKey('PTBMSP', 'lr-chaincode', 1)))!.value;
    const text = new TextDecoder().decode(stored);
    expect(Object.keys(JSON.parse(text))).toEqual(['endorsementPolicy', 'name', 'packageSha256', 'sequence', 'version']);
    expect(JSON.parse(text)).toEqual(definition());
  });

  it('refuses a non-admin creator and writes nothing', async () => {
    const state = new MemoryState();
    for (const role of ['peer', 'client', undefined] as const) {
      const response = await run(state, fakeIdentity('InmetroMSP', role), 'ApproveChaincodeDefinitionForMyOrg', definition());
      expect(response.status).toBe(500);
      expect(response.message).toMatch(/^FORBIDDEN/);
    }
    expect(state.values.size).toBe(0);
  });

  it('refuses a sequence that is not committed + 1', async () => {
    const state = new MemoryState();
    for (const sequence of [0, 2, 7]) {
      const response = await run(state, admin('InmetroMSP'), 'ApproveChaincodeDefinitionForMyOrg', definition({ sequence }));
      expect(response.status).toBe(500);
      expect(response.message).toMatch(sequence === 0 ? /^INVALID_DEFINITION/ : /^SEQUENCE_MISMATCH/);
    }
    expect(state.values.size).toBe(0);
  });

  it('refuses malformed definitions and policies, one field at a time', async () => {
    const state = new MemoryState();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ name: 'bad/name' }, /^INVALID_DEFINITION: name/],
      [{ version: '' }, /^INVALID_DEFINITION: version/],
      [{ sequence: 1.5 }, /^INVALID_DEFINITION: sequence/],
      [{ packageSha256: SHA.toUpperCase() }, /^INVALID_DEFINITION: packageSha256/],
      [{ endorsementPolicy: '' }, /^INVALID_DEFINITION: endorsementPolicy/],
      [{ endorsementPolicy: 'nonsense' }, /^INVALID_POLICY/],
    ];
    for (const [overrides, message] of cases) {
      const response = await run(state, admin('InmetroMSP'), 'ApproveChaincodeDefinitionForMyOrg', definition(overrides));
      expect(response.message).toMatch(message);
    }
    expect((await run(state, admin('InmetroMSP'), 'ApproveChaincodeDefinitionForMyOrg')).message).toMatch(/^BAD_REQUEST/);
    expect((await run(state, admin('InmetroMSP'), 'NoSuchFunction', {})).message).toMatch(/^BAD_REQUEST/);
    expect((await run(state, admin('InmetroMSP'), 'constructor', {})).message).toMatch(/^BAD_REQUEST/);
    expect(state.values.size).toBe(0);
  });
});

describe('_lifecycle commit and readiness', () => {
  it('reports readiness per organisation, counting only exactly matching approvals', async () => {
    const state = new MemoryState();
    await approveBy(state, ['InmetroMSP', 'PTBMSP']);
    await approveBy(state, ['LaSIGEMSP'], definition({ version: '1.1' }));
    const response = await run(state, admin('CityOperatorMSP'), 'CheckCommitReadiness', { definition: definition() });
    expect(json(response)).toEqual({ approvals: { InmetroMSP: true, PTBMSP: true, LaSIGEMSP: false, CityOperatorMSP: false } });
  });

  it('commits when the notified body and a majority approve, then moves the sequence on', async () => {
    const state = new MemoryState();
    await approveBy(state, ['InmetroMSP', 'PTBMSP', 'CityOperatorMSP']);
    const response = await run(state, admin('InmetroMSP'), 'CommitChaincodeDefinition', definition());
    expect(response.status).toBe(200);
    const committed = await readDefinition(state, 'lr-chaincode');
    expect(committed).toMatchObject({ ...definition(), applicationPolicy: new TextEncoder().encode(POLICY) });
    expect((await run(state, admin('PTBMSP'), 'ApproveChaincodeDefinitionForMyOrg', definition())).message).toMatch(/^SEQUENCE_MISMATCH/);
    expect((await run(state, admin('PTBMSP'), 'ApproveChaincodeDefinitionForMyOrg', definition({ sequence: 2, packageSha256: OTHER_SHA }))).status).toBe(200);
    const query = json(await run(state, admin('PTBMSP'), 'QueryChaincodeDefinition', { name: 'lr-chaincode' }));
    expect(query).toMatchObject({ ...definition(), approvals: { InmetroMSP: true, PTBMSP: true, LaSIGEMSP: false, CityOperatorMSP: true } });
    expect(json(await run(state, admin('PTBMSP'), 'QueryChaincodeDefinitions', {}))).toEqual({ definitions: [definition()] });
  });

  it('refuses to commit without the notified body, or without a majority, and writes nothing', async () => {
    for (const approving of [['PTBMSP', 'LaSIGEMSP', 'CityOperatorMSP'], ['InmetroMSP', 'PTBMSP']]) {
      const state = new MemoryState();
      await approveBy(state, approving);
      const before = state.values.size;
      const response = await run(state, admin('InmetroMSP'), 'CommitChaincodeDefinition', definition());
      expect(response.message).toMatch(/^APPROVALS_INSUFFICIENT/);
      expect(state.values.size).toBe(before);
      expect(await readDefinition(state, 'lr-chaincode')).toBeUndefined();
    }
  });

  it('does not count approvals of a different definition towards the commit', async () => {
    const state = new MemoryState();
    await approveBy(state, ['InmetroMSP', 'PTBMSP']);
    await approveBy(state, ['LaSIGEMSP'], definition({ packageSha256: OTHER_SHA }));
    expect((await run(state, admin('InmetroMSP'), 'CommitChaincodeDefinition', definition())).message).toMatch(/^APPROVALS_INSUFFICIENT/);
  });

  it('answers NOT_FOUND for an uncommitted chaincode', async () => {
    const response = await run(new MemoryState(), admin('InmetroMSP'), 'QueryChaincodeDefinition', { name: 'lr-chaincode' });
    expect(response.message).toMatch(/^NOT_FOUND/);
  });
});

describe('_lifecycle package refusals', () => {
  const refusal = { name: 'lr-chaincode', sequence: 1, expectedSha256: SHA, actualSha256: OTHER_SHA, peer: 'peer0.ptb.speedledger.local' };

  async function committedState(): Promise<MemoryState> {
    const state = new MemoryState();
    await approveBy(state, ['InmetroMSP', 'PTBMSP', 'LaSIGEMSP']);
    await run(state, admin('InmetroMSP'), 'CommitChaincodeDefinition', definition());
    return state;
  }

  it('records a peer\'s refusal under its organisation', async () => {
    const state = await committedState();
    const response = await run(state, fakeIdentity('PTBMSP', 'peer'), 'RecordPackageRefusal', refusal);
    expect(response.status).toBe(200);
    const stored = await state.get(LIFECYCLE_NAMESPACE, refusalKey('PTBMSP', 'lr-chaincode', 1, refusal.peer));
    expect(JSON.parse(new TextDecoder().decode(stored!.value))).toMatchObject({ ...refusal, mspId: 'PTBMSP' });
  });

  it('refuses non-peer creators, mismatching definitions and malformed fields', async () => {
    const state = await committedState();
    const before = state.values.size;
    const peer = fakeIdentity('PTBMSP', 'peer');
    expect((await run(state, admin('PTBMSP'), 'RecordPackageRefusal', refusal)).message).toMatch(/^FORBIDDEN/);
    expect((await run(state, peer, 'RecordPackageRefusal', { ...refusal, sequence: 2 })).message).toMatch(/^INVALID_DEFINITION/);
    expect((await run(state, peer, 'RecordPackageRefusal', { ...refusal, expectedSha256: OTHER_SHA })).message).toMatch(/^INVALID_DEFINITION/);
    expect((await run(state, peer, 'RecordPackageRefusal', { ...refusal, peer: 'a/b' })).message).toMatch(/^BAD_REQUEST: peer/);
    expect((await run(state, peer, 'RecordPackageRefusal', { ...refusal, actualSha256: 'x' })).message).toMatch(/^BAD_REQUEST: actualSha256/);
    expect(state.values.size).toBe(before);
  });
});

describe('_lifecycle peer-local queries (queryapproved, queryinstalled)', () => {
  const installed = [{ packageId: `lr-chaincode_0.1.0:${SHA}`, label: 'lr-chaincode_0.1.0', sha256: SHA }];
  const withPackages = createLifecycleChaincode({
    organizations: ORGS, compilePolicy: (dsl) => new TextEncoder().encode(dsl), approvalsSatisfy: () => true, installedPackages: () => installed,
  });
  async function call(state: MemoryState, creator: Identity, fn: string, arg: unknown): Promise<ChaincodeResponse> {
    const simulator = state.simulator();
    const args = [new TextEncoder().encode(fn), new TextEncoder().encode(JSON.stringify(arg))];
    const response = await withPackages.invoke({ channelId: 'speedledger', txId: simulator.txId, args, creator, simulator, timestamp: new Date(0) });
    if (response.status === 200) state.commit(simulator.writes);
    return response;
  }

  it("answers the caller's organisation's approval (highest sequence by number by default) with the package id label:sha256 when installed", async () => {
    const state = new MemoryState();
    for (let sequence = 1; sequence <= 10; sequence += 1) {
      // Approvals of sequences above committed+1 are refused, so commit each one first.
      expect((await call(state, admin('PTBMSP'), 'ApproveChaincodeDefinitionForMyOrg', definition({ sequence, packageSha256: sequence === 10 ? SHA : OTHER_SHA }))).status).toBe(200);
      expect((await call(state, admin('PTBMSP'), 'CommitChaincodeDefinition', definition({ sequence, packageSha256: sequence === 10 ? SHA : OTHER_SHA }))).status).toBe(200);
    }
    const latest = json(await call(state, admin('PTBMSP'), 'QueryApprovedChaincodeDefinition', { name: 'lr-chaincode' }));
    expect(latest).toEqual({ ...definition({ sequence: 10 }), approvedBy: 'PTBMSP', source: { packageId: `lr-chaincode_0.1.0:${SHA}` } });
    const ninth = json(await call(state, admin('PTBMSP'), 'QueryApprovedChaincodeDefinition', { name: 'lr-chaincode', sequence: 9 }));
    expect(ninth).toMatchObject({ sequence: 9, packageSha256: OTHER_SHA, source: { unavailable: true } });
    const none = await call(state, admin('LaSIGEMSP'), 'QueryApprovedChaincodeDefinition', { name: 'lr-chaincode' });
    expect([none.status, none.message]).toEqual([500, expect.stringMatching(/^NOT_FOUND/)]);
    const bad = await call(state, admin('PTBMSP'), 'QueryApprovedChaincodeDefinition', { name: 'lr-chaincode', sequence: 0 });
    expect(bad.message).toMatch(/^BAD_REQUEST/);
  });

  it('lists installed packages with the committed definitions that pin them, to admins only', async () => {
    const state = new MemoryState();
    expect(json(await call(state, admin('InmetroMSP'), 'QueryInstalledChaincodes', {}))).toEqual({
      installedChaincodes: [{ packageId: `lr-chaincode_0.1.0:${SHA}`, label: 'lr-chaincode_0.1.0', references: [] }],
    });
    await call(state, admin('InmetroMSP'), 'ApproveChaincodeDefinitionForMyOrg', definition());
    await call(state, admin('InmetroMSP'), 'CommitChaincodeDefinition', definition());
    expect(json(await call(state, admin('InmetroMSP'), 'QueryInstalledChaincodes', {}))).toEqual({
      installedChaincodes: [{ packageId: `lr-chaincode_0.1.0:${SHA}`, label: 'lr-chaincode_0.1.0', references: [{ name: 'lr-chaincode', version: '1.0', sequence: 1 }] }],
    });
    const client = await call(state, fakeIdentity('InmetroMSP', 'client'), 'QueryInstalledChaincodes', {});
    expect(client.message).toMatch(/^FORBIDDEN/);
  });
});
