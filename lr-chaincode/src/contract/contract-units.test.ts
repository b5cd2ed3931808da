import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { ContractError, parseContractError } from './contract-error.js';
import { INT64_MIN, meterTimeIndexKey, timeKeyPart } from './ledger-keys.js';
import { assessViolation, toleranceCentiKmh } from './violation.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and omits undefined properties', () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null, 'x'], c: undefined } })).toBe('{"a":{"d":[true,null,"x"]},"b":1}');
  });
  it.each([[1.5], [Number.NaN], [-0], [2 ** 53], [10n], [() => 1]])('refuses %s, which could print differently or not at all', (value) => {
    expect(() => canonicalJson({ v: value })).toThrow(TypeError);
  });
});

describe('contract errors', () => {
  it('round-trip their code through the message, also when a gateway wraps it', () => {
    const error = new ContractError('UNKNOWN_METER', 'meter SP-1 is not registered', { meterId: 'SP-1' });
    expect(error.message).toBe('[UNKNOWN_METER] meter SP-1 is not registered');
    expect(parseContractError(`chaincode response 500, ${error.message}`)).toEqual({ code: 'UNKNOWN_METER', detail: 'meter SP-1 is not registered' });
    expect(parseContractError('[NOT_A_CODE] x')).toBeNull();
    expect(parseContractError('plain failure')).toBeNull();
  });
});

describe('regulatory tolerance', () => {
  it('is 7 km/h up to 100 km/h and 7 % (rounded up, in the driver’s favour) above', () => {
    expect(toleranceCentiKmh(5000)).toBe(700);
    expect(toleranceCentiKmh(10_000)).toBe(700);
    expect(toleranceCentiKmh(10_001)).toBe(Math.ceil(10_001 * 0.07));
    expect(toleranceCentiKmh(15_000)).toBe(1050);
    expect(toleranceCentiKmh(15_001)).toBe(1051);
  });
  it('flags a violation only when measured − tolerance exceeds the limit', () => {
    expect(assessViolation(6700, 60).violation).toBe(false);
    expect(assessViolation(6701, 60)).toEqual({ toleranceCentiKmh: 700, consideredCentiKmh: 6001, limitCentiKmh: 6000, violation: true });
    const fast = assessViolation(12_900, 120);
    expect(fast.consideredCentiKmh).toBe(12_900 - 903);
    expect(fast.violation).toBe(false);
  });
});

describe('ledger keys', () => {
  it('order times numerically, negative ones included', () => {
    const times = [-5n, INT64_MIN, 0n, 7n, 1_772_366_400_000_000n];
    const keys = times.map((t) => meterTimeIndexKey('SP-1', t, 1n));
    expect([...keys].sort()).toEqual([...times].sort((x, y) => (x < y ? -1 : 1)).map((t) => meterTimeIndexKey('SP-1', t, 1n)));
    expect(timeKeyPart(INT64_MIN)).toBe('0'.repeat(20));
  });
});
