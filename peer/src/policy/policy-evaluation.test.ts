import { common, msp, peer } from '@hyperledger/fabric-protos';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { channelMspManager, parseChannelPolicy, readPeerChannelConfig, type ChannelPolicy, type PeerChannelConfig } from '../channel/index.js';
import { APP_MSPS, trustNetwork, type AppMsp, type TrustNetwork } from '../channel/test-support/trust-network.js';
import { isIdentityFailure, type Identity, type MspManager, type NodeRole, type SigningIdentity } from '../msp/index.js';
import { evaluateApplicationPolicy } from './application-policy-evaluation.js';
import { createChannelPolicyEvaluator, evaluateChannelPolicy } from './channel-policy-evaluation.js';
import { applicationPolicyFromDsl, channelPolicyReference, parseSignaturePolicy } from './policy-dsl.js';
import { evaluateSignaturePolicy } from './signature-policy-evaluation.js';

let network: TrustNetwork;
let config: PeerChannelConfig;
let manager: MspManager;

function id(signer: SigningIdentity): Identity {
  const identity = manager.deserialize(signer.serialized);
  if (isIdentityFailure(identity)) throw new Error(identity.error);
  return identity;
}
const who = (mspId: AppMsp, role: NodeRole): Identity => id(network.signer(mspId, role));
const sat = (dsl: string, signers: Identity[]): boolean => evaluateSignaturePolicy(parseSignaturePolicy(dsl), signers);

beforeAll(async () => {
  network = await trustNetwork();
  config = readPeerChannelConfig(network.genesis);
  manager = channelMspManager(config);
});

describe('evaluateSignaturePolicy', () => {
  const policy = "OutOf(2, 'InmetroMSP.peer', 'PTBMSP.peer', 'LaSIGEMSP.peer')";

  it('needs two of the three notified-body/provider peers', () => {
    expect(sat(policy, [who('InmetroMSP', 'peer')])).toBe(false);
    expect(sat(policy, [who('InmetroMSP', 'peer'), who('PTBMSP', 'peer')])).toBe(true);
    expect(sat(policy, [who('LaSIGEMSP', 'peer'), who('PTBMSP', 'peer')])).toBe(true);
    expect(sat(policy, [who('InmetroMSP', 'admin'), who('PTBMSP', 'peer')])).toBe(false);
    expect(sat(policy, [who('InmetroMSP', 'client'), who('PTBMSP', 'client')])).toBe(false);
    expect(sat(policy, [who('CityOperatorMSP', 'peer'), who('PTBMSP', 'peer')])).toBe(false);
    expect(sat(policy, [])).toBe(false);
  });

  it('counts a duplicated signer once, and one identity fills at most one slot', async () => {
    const inmetro = who('InmetroMSP', 'peer');
    expect(sat(policy, [inmetro, inmetro, inmetro])).toBe(false);
    const second = id(await network.enrol('InmetroMSP', 'peer', 'peer1.inmetro.example.com'));
    expect(sat(policy, [inmetro, second])).toBe(false);
    expect(sat("AND('InmetroMSP.member', 'InmetroMSP.member')", [inmetro, inmetro])).toBe(false);
    expect(sat("AND('InmetroMSP.member', 'InmetroMSP.member')", [inmetro, second])).toBe(true);
  });

  it('matches member to any role of the MSP and the other roles to the NodeOU only', () => {
    for (const role of ['admin', 'peer', 'client'] as const) expect(sat("OR('PTBMSP.member')", [who('PTBMSP', role)])).toBe(true);
    expect(sat("OR('PTBMSP.member')", [who('InmetroMSP', 'peer')])).toBe(false);
    expect(sat("OR('PTBMSP.admin')", [who('PTBMSP', 'admin')])).toBe(true);
    expect(sat("OR('PTBMSP.admin')", [who('PTBMSP', 'client')])).toBe(false);
    expect(sat("OR('PTBMSP.client')", [who('PTBMSP', 'client')])).toBe(true);
    expect(sat("OR('PTBMSP.orderer')", [who('PTBMSP', 'peer')])).toBe(false);
    expect(sat("OR('OrdererMSP.orderer')", [id(network.signer('OrdererMSP', 'orderer'))])).toBe(true);
  });

  it("assigns slots greedily in rule order, as Fabric's cauthdsl does", () => {
    const peer0 = who('InmetroMSP', 'peer');
    const client = who('InmetroMSP', 'client');
    expect(sat("AND('InmetroMSP.member', 'InmetroMSP.peer')", [peer0, client])).toBe(false);
    expect(sat("AND('InmetroMSP.member', 'InmetroMSP.peer')", [client, peer0])).toBe(true);
    expect(sat("AND('InmetroMSP.peer', 'InmetroMSP.member')", [peer0, client])).toBe(true);
  });

  it('a failed child consumes no signer', () => {
    const p = who('PTBMSP', 'peer');
    // The AND fails (no LaSIGE admin), so PTB's peer stays free for the second rule.
    expect(sat("OutOf(1, AND('PTBMSP.peer', 'LaSIGEMSP.admin'), 'PTBMSP.peer')", [p])).toBe(true);
  });

  it('matches IDENTITY principals by MSP and certificate bytes', () => {
    const signer = network.signer('LaSIGEMSP', 'client');
    const principal = new msp.MSPPrincipal();
    principal.setPrincipalClassification(msp.MSPPrincipal.Classification.IDENTITY);
    principal.setPrincipal(signer.serialized);
    const rule = new common.SignaturePolicy();
    rule.setSignedBy(0);
    const envelope = new common.SignaturePolicyEnvelope();
    envelope.setRule(rule);
    envelope.setIdentitiesList([principal]);
    expect(evaluateSignaturePolicy(envelope, [who('LaSIGEMSP', 'client')])).toBe(true);
    expect(evaluateSignaturePolicy(envelope, [who('LaSIGEMSP', 'peer')])).toBe(false);
  });

  it('treats malformed envelopes as unsatisfied', () => {
    const envelope = parseSignaturePolicy("OR('PTBMSP.peer')");
    const outOfRange = new common.SignaturePolicy();
    outOfRange.setSignedBy(7);
    envelope.setRule(outOfRange);
    expect(evaluateSignaturePolicy(envelope, [who('PTBMSP', 'peer')])).toBe(false);
    expect(evaluateSignaturePolicy(new common.SignaturePolicyEnvelope(), [who('PTBMSP', 'peer')])).toBe(false);
    const garbage = parseSignaturePolicy("OR('PTBMSP.peer')");
    garbage.getIdentitiesList()[0]!.setPrincipal(new Uint8Array([0xff, 0xff]));
    expect(evaluateSignaturePolicy(garbage, [who('PTBMSP', 'peer')])).toBe(false);
  });

  it('property: OutOf(k) over principals of distinct MSPs holds iff k of those MSPs signed with the role', () => {
    const roles: NodeRole[] = ['admin', 'peer', 'client'];
    const pool = APP_MSPS.flatMap((mspId) => roles.map((role) => ({ mspId, role, identity: who(mspId, role) })));
    fc.assert(fc.property(
      fc.subarray([...APP_MSPS], { minLength: 1 }).chain((msps) => fc.tuple(
        fc.constant(msps),
        fc.array(fc.constantFrom(...roles, 'member' as const), { minLength: msps.length, maxLength: msps.length }),
        fc.integer({ min: 1, max: msps.length }),
        fc.array(fc.nat(pool.length - 1), { maxLength: 8 }),
      )),
      ([msps, wanted, k, picks]) => {
        const dsl = `OutOf(${k}, ${msps.map((m, i) => `'${m}.${wanted[i]}'`).join(', ')})`;
        const signers = picks.map((i) => pool[i]!);
        const matched = msps.filter((m, i) => signers.some((s) => s.mspId === m && (wanted[i] === 'member' || wanted[i] === s.role))).length;
        const expected = matched >= k;
        expect(sat(dsl, signers.map((s) => s.identity))).toBe(expected);
        // Order and duplication of signers do not matter for such policies.
        expect(sat(dsl, [...signers, ...signers].reverse().map((s) => s.identity))).toBe(expected);
      },
    ), { numRuns: 150 });
  });

  it('property: OutOf(k) over m copies of one member principal needs k distinct identities', async () => {
    const extra = await Promise.all([1, 2, 3].map((i) => network.enrol('CityOperatorMSP', 'client', `user${i}.cityoperator.example.com`)));
    const pool = [who('CityOperatorMSP', 'peer'), who('CityOperatorMSP', 'client'), ...extra.map(id), who('PTBMSP', 'peer')];
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.array(fc.nat(pool.length - 1), { maxLength: 10 }), (m, extraRules, picks) => {
      const rules = m + extraRules;
      const k = Math.min(m, rules);
      const dsl = `OutOf(${k}, ${Array.from({ length: rules }, () => "'CityOperatorMSP.member'").join(', ')})`;
      const distinct = new Set(picks.filter((i) => i < pool.length - 1)).size;
      expect(sat(dsl, picks.map((i) => pool[i]!))).toBe(distinct >= k);
    }), { numRuns: 100 });
  });
});

describe('evaluateChannelPolicy', () => {
  it('MAJORITY Endorsement needs peers of three of the four organisations', () => {
    const path = '/Channel/Application/Endorsement';
    expect(evaluateChannelPolicy(config, path, [who('InmetroMSP', 'peer'), who('PTBMSP', 'peer')])).toBe(false);
    expect(evaluateChannelPolicy(config, path, [who('InmetroMSP', 'peer'), who('PTBMSP', 'peer'), who('CityOperatorMSP', 'peer')])).toBe(true);
    expect(evaluateChannelPolicy(config, path, [who('InmetroMSP', 'client'), who('PTBMSP', 'client'), who('LaSIGEMSP', 'client')])).toBe(false);
    expect(evaluateChannelPolicy(config, 'Application/LifecycleEndorsement', [who('InmetroMSP', 'peer'), who('PTBMSP', 'peer'), who('LaSIGEMSP', 'peer')])).toBe(true);
  });

  it('ANY Readers/Writers and MAJORITY Admins follow the org policies', () => {
    expect(evaluateChannelPolicy(config, '/Channel/Application/Readers', [who('CityOperatorMSP', 'client')])).toBe(true);
    expect(evaluateChannelPolicy(config, '/Channel/Application/Writers', [who('CityOperatorMSP', 'peer')])).toBe(false);
    expect(evaluateChannelPolicy(config, '/Channel/Application/Writers', [who('CityOperatorMSP', 'client')])).toBe(true);
    expect(evaluateChannelPolicy(config, '/Channel/Application/Readers', [id(network.signer('OrdererMSP', 'orderer'))])).toBe(false);
    const admins = APP_MSPS.map((m) => who(m, 'admin'));
    expect(evaluateChannelPolicy(config, '/Channel/Application/Admins', admins.slice(0, 2))).toBe(false);
    expect(evaluateChannelPolicy(config, '/Channel/Application/Admins', admins.slice(0, 3))).toBe(true);
    expect(evaluateChannelPolicy(config, '/Channel/Readers', [who('CityOperatorMSP', 'client')])).toBe(true);
    expect(evaluateChannelPolicy(config, '/Channel/Application/PTBMSP/Endorsement', [who('PTBMSP', 'peer')])).toBe(true);
    expect(evaluateChannelPolicy(config, '/Channel/Application/NoSuchPolicy', admins)).toBe(false);
  });

  it('ALL needs every sub-group, a missing sub-policy fails, no sub-groups is satisfied', () => {
    const meta = (rule: 'ANY' | 'ALL' | 'MAJORITY', sub: string): ChannelPolicy => {
      const value = new common.ImplicitMetaPolicy();
      value.setRule(common.ImplicitMetaPolicy.Rule[rule]);
      value.setSubPolicy(sub);
      const policy = new common.Policy();
      policy.setType(common.Policy.PolicyType.IMPLICIT_META);
      policy.setValue(value.serializeBinary());
      return parseChannelPolicy(policy, '/Channel/T');
    };
    const policies = new Map(config.policies);
    policies.set('/Channel/Application/AllEndorse', meta('ALL', 'Endorsement'));
    policies.set('/Channel/Application/AnyMissing', meta('ANY', 'Missing'));
    policies.set('/Channel/Empty/AnyEmpty', meta('ANY', 'Readers'));
    const groups = new Map(config.groups);
    groups.set('/Channel/Empty', []);
    const evaluate = createChannelPolicyEvaluator({ policies, groups });
    const peers = APP_MSPS.map((m) => who(m, 'peer'));
    expect(evaluate('/Channel/Application/AllEndorse', peers.slice(0, 3))).toBe(false);
    expect(evaluate('/Channel/Application/AllEndorse', peers)).toBe(true);
    expect(evaluate('/Channel/Application/AnyMissing', peers)).toBe(false);
    expect(evaluate('/Channel/Empty/AnyEmpty', [])).toBe(true);
  });
});

describe('evaluateApplicationPolicy', () => {
  it('evaluates a signature policy directly', () => {
    const bytes = applicationPolicyFromDsl("OutOf(2, 'InmetroMSP.peer', 'PTBMSP.peer', 'LaSIGEMSP.peer')").serializeBinary();
    const never = vi.fn(() => true);
    expect(evaluateApplicationPolicy(bytes, [who('InmetroMSP', 'peer'), who('PTBMSP', 'peer')], never)).toBe(true);
    expect(evaluateApplicationPolicy(bytes, [who('InmetroMSP', 'peer')], never)).toBe(false);
    expect(never).not.toHaveBeenCalled();
  });

  it('delegates a channel config policy reference with its path and signers', () => {
    const signers = [who('InmetroMSP', 'peer')];
    const evaluator = vi.fn((path: string) => path === '/Channel/Application/Endorsement');
    expect(evaluateApplicationPolicy(channelPolicyReference('/Channel/Application/Endorsement').serializeBinary(), signers, evaluator)).toBe(true);
    expect(evaluator).toHaveBeenCalledWith('/Channel/Application/Endorsement', signers);
    const real = createChannelPolicyEvaluator(config);
    expect(evaluateApplicationPolicy(channelPolicyReference('/Channel/Application/Endorsement').serializeBinary(), signers, real)).toBe(false);
  });

  it('fails closed on garbage or an unset policy', () => {
    const yes = (): boolean => true;
    expect(evaluateApplicationPolicy(new Uint8Array([0xff, 0x01]), [who('PTBMSP', 'peer')], yes)).toBe(false);
    expect(evaluateApplicationPolicy(new peer.ApplicationPolicy().serializeBinary(), [who('PTBMSP', 'peer')], yes)).toBe(false);
  });
});
