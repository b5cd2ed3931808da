import { common, msp } from '@hyperledger/fabric-protos';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPeerChannelConfig, type PeerChannelConfig } from '../channel/index.js';
import { trustNetwork } from '../channel/test-support/trust-network.js';
import { applicationPolicyFromDsl, channelPolicyReference, parseSignaturePolicy } from './policy-dsl.js';
import { PolicyError } from './policy-error.js';

interface Decoded {
  n?: number;
  signedBy?: number;
  rules?: Decoded[];
}

function decodeRule(rule: common.SignaturePolicy): Decoded {
  if (rule.getTypeCase() === common.SignaturePolicy.TypeCase.SIGNED_BY) return { signedBy: rule.getSignedBy() };
  const outOf = rule.getNOutOf()!;
  return { n: outOf.getN(), rules: outOf.getRulesList().map(decodeRule) };
}

function principals(envelope: common.SignaturePolicyEnvelope): string[] {
  const names = ['member', 'admin', 'client', 'peer', 'orderer'];
  return envelope.getIdentitiesList().map((p) => {
    expect(p.getPrincipalClassification()).toBe(msp.MSPPrincipal.Classification.ROLE);
    const role = msp.MSPRole.deserializeBinary(p.getPrincipal_asU8());
    return `${role.getMspIdentifier()}.${names[role.getRole()]}`;
  });
}

function failure(text: string): PolicyError {
  try {
    parseSignaturePolicy(text);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return error as PolicyError;
  }
  throw new Error(`'${text}' parsed`);
}

let config: PeerChannelConfig;
beforeAll(async () => {
  config = readPeerChannelConfig((await trustNetwork()).genesis);
});

describe('parseSignaturePolicy', () => {
  it("encodes the network's endorsement policy OutOf(2, ...) with three principals", () => {
    const envelope = parseSignaturePolicy("OutOf(2, 'InmetroMSP.peer', 'PTBMSP.peer', 'LaSIGEMSP.peer')");
    expect(envelope.getVersion()).toBe(0);
    expect(principals(envelope)).toEqual(['InmetroMSP.peer', 'PTBMSP.peer', 'LaSIGEMSP.peer']);
    expect(decodeRule(envelope.getRule()!)).toEqual({ n: 2, rules: [{ signedBy: 0 }, { signedBy: 1 }, { signedBy: 2 }] });
  });

  it('encodes AND as all-of and OR as one-of, nested, and deduplicates principals in first-seen order', () => {
    const envelope = parseSignaturePolicy("OR('A.member', AND('B.admin', 'A.member'), OutOf(1, 'C.client', 'B.admin'))");
    expect(principals(envelope)).toEqual(['A.member', 'B.admin', 'C.client']);
    expect(decodeRule(envelope.getRule()!)).toEqual({
      n: 1,
      rules: [{ signedBy: 0 }, { n: 2, rules: [{ signedBy: 1 }, { signedBy: 0 }] }, { n: 1, rules: [{ signedBy: 2 }, { signedBy: 1 }] }],
    });
  });

  it('tolerates whitespace, lower-case operators, double quotes, a quoted count and dotted/dashed MSP ids', () => {
    const spaced = parseSignaturePolicy("  outof ( '2' ,\n\t\"org-1.example.com.peer\" , 'B.orderer' )  ");
    expect(principals(spaced)).toEqual(['org-1.example.com.peer', 'B.orderer']);
    expect(decodeRule(spaced.getRule()!)).toEqual({ n: 2, rules: [{ signedBy: 0 }, { signedBy: 1 }] });
    expect(Buffer.from(parseSignaturePolicy("and('A.member','B.member')").serializeBinary()))
      .toEqual(Buffer.from(parseSignaturePolicy("AND( 'A.member' , 'B.member' )").serializeBinary()));
  });

  it('encodes byte for byte as the genesis block (policydsl encoding) does for role policies', () => {
    const endorsement = config.policies.get('/Channel/Application/InmetroMSP/Endorsement')!;
    expect(Buffer.from(parseSignaturePolicy("OR('InmetroMSP.peer')").serializeBinary())).toEqual(Buffer.from(endorsement.policy.getValue_asU8()));
    const readers = config.policies.get('/Channel/Application/PTBMSP/Readers')!;
    expect(Buffer.from(parseSignaturePolicy("OR('PTBMSP.admin', 'PTBMSP.peer', 'PTBMSP.client')").serializeBinary()))
      .toEqual(Buffer.from(readers.policy.getValue_asU8()));
  });

  it.each([
    ['', 0, 'expected AND, OR, OutOf'],
    ["'A.member'", 0, 'bare principal'],
    ["XOR('A.member')", 0, "unknown operator 'XOR'"],
    ["AND('A.member'", 14, "expected ')'"],
    ["AND('A.boss')", 4, 'not a principal'],
    ["AND('member')", 4, 'not a principal'],
    ["AND('A member')", 4, 'not a principal'],
    ['AND()', 4, 'expected AND, OR, OutOf'],
    ["AND('A.member',)", 15, 'expected AND, OR, OutOf'],
    ["AND('A.member') 'B.member'", 16, 'after the policy'],
    ["AND('A.member", 4, 'unterminated'],
    ["OutOf(x, 'A.member')", 6, 'count'],
    ["OutOf(3, 'A.member', 'B.member')", 6, 'between 1 and 2'],
    ["OutOf(0, 'A.member')", 6, 'between 1 and 1'],
    ["OutOf(1)", 7, 'at least one rule'],
    ["OutOf(-1, 'A.member')", 6, 'count'],
  ])('refuses %j at position %i', (text, position, message) => {
    const error = failure(text);
    expect(error.code).toBe('INVALID_POLICY_DSL');
    expect(error.ids).toEqual({ position });
    expect(error.message).toContain(message);
    expect(error.message).toContain(`position ${position}`);
  });
});

describe('applicationPolicyFromDsl / channelPolicyReference', () => {
  it('wraps a DSL policy as an ApplicationPolicy signature policy', () => {
    const policy = applicationPolicyFromDsl("OR('A.peer')");
    expect(Buffer.from(policy.getSignaturePolicy()!.serializeBinary())).toEqual(Buffer.from(parseSignaturePolicy("OR('A.peer')").serializeBinary()));
    expect(() => applicationPolicyFromDsl('OR(')).toThrow(PolicyError);
  });

  it('makes a channel config policy reference and refuses unusable paths', () => {
    expect(channelPolicyReference('/Channel/Application/Endorsement').getChannelConfigPolicyReference()).toBe('/Channel/Application/Endorsement');
    for (const bad of ['', '/', '/Channel//Endorsement', '/Channel/Application/ Endorsement']) {
      expect(() => channelPolicyReference(bad)).toThrow(expect.objectContaining({ code: 'INVALID_POLICY_REFERENCE' }));
    }
  });
});
