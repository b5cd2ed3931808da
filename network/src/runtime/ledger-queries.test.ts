import { describe, expect, it } from 'vitest';
import { parseBlockSelector } from './ledger-queries.js';

describe('parseBlockSelector', () => {
  it("reads Fabric's names and decimal block numbers below MaxUint64, nothing else", () => {
    expect(['newest', 'oldest', 'config'].map(parseBlockSelector)).toEqual(['newest', 'oldest', 'config']);
    expect(parseBlockSelector('0')).toEqual({ number: 0n });
    expect(parseBlockSelector('007')).toEqual({ number: 7n });
    expect(parseBlockSelector('18446744073709551614')).toEqual({ number: 18_446_744_073_709_551_614n });
    // MaxUint64 is qscc's "newest": a number that large is no block of its own.
    for (const bad of ['18446744073709551615', '-1', '1.0', '0x10', '', ' 1', 'latest', '123456789012345678901']) expect(parseBlockSelector(bad), bad).toBeUndefined();
  });
});
