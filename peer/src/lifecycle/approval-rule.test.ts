import { describe, expect, it } from 'vitest';
import { parseSignaturePolicy } from '../policy/index.js';
import { approvalRuleFromDsl, approvalRuleFromEnvelope, compileEndorsementPolicy } from './approval-rule.js';

const RULE = "AND('InmetroMSP.member', OutOf(3, 'InmetroMSP.member', 'PTBMSP.member', 'LaSIGEMSP.member', 'CityOperatorMSP.member'))";

describe('approval rule', () => {
  const satisfied = approvalRuleFromDsl(RULE);

  it('needs the notified body and a majority of the four organisations', () => {
    expect(satisfied(['InmetroMSP', 'PTBMSP', 'LaSIGEMSP'])).toBe(true);
    expect(satisfied(['InmetroMSP', 'PTBMSP', 'LaSIGEMSP', 'CityOperatorMSP'])).toBe(true);
    expect(satisfied(['InmetroMSP', 'PTBMSP'])).toBe(false);
    expect(satisfied(['PTBMSP', 'LaSIGEMSP', 'CityOperatorMSP'])).toBe(false);
    expect(satisfied(['InmetroMSP', 'InmetroMSP', 'PTBMSP'])).toBe(false);
    expect(satisfied([])).toBe(false);
  });

  it('refuses a malformed rule or endorsement policy', () => {
    expect(() => approvalRuleFromDsl("AND('InmetroMSP.member'")).toThrow();
    expect(() => compileEndorsementPolicy('OutOf(2)')).toThrow();
    expect(compileEndorsementPolicy("OutOf(2, 'InmetroMSP.peer', 'PTBMSP.peer')").byteLength).toBeGreaterThan(0);
  });
});

describe('approval rule from the channel policy', () => {
  it('reads peer principals as organisation approvals', () => {
    const satisfied = approvalRuleFromEnvelope(parseSignaturePolicy("AND('InmetroMSP.peer', OutOf(2, 'PTBMSP.peer', 'LaSIGEMSP.peer', 'CityOperatorMSP.peer'))"));
    expect(satisfied(['InmetroMSP', 'PTBMSP', 'CityOperatorMSP'])).toBe(true);
    expect(satisfied(['PTBMSP', 'LaSIGEMSP', 'CityOperatorMSP'])).toBe(false);
    expect(satisfied(['InmetroMSP', 'LaSIGEMSP'])).toBe(false);
  });
});
