import { CONTRACT_ERROR_CODES as CHAINCODE_CODES } from '@speedledger/lr-chaincode/contract';
import { describe, expect, it } from 'vitest';
import { findContractRejection, meterAndSeqOf } from './contract-rejection.js';
import { CONTRACT_ERROR_CODES } from './lr-contract-errors.js';

describe('findContractRejection', () => {
  it("uses lr-chaincode's own codes", () => {
    expect(CONTRACT_ERROR_CODES).toEqual(CHAINCODE_CODES);
  });

  it('finds every chaincode code behind a peer prefix, first match wins', () => {
    for (const code of CHAINCODE_CODES) {
      expect(findContractRejection([undefined, 'plain failure', `chaincode response 500, [${code}] detail`])).toEqual({ code, detail: 'detail' });
    }
    expect(findContractRejection(['[FORBIDDEN] a', '[NOT_FOUND] b'])?.code).toBe('FORBIDDEN');
  });

  it('ignores unknown codes and texts without one', () => {
    expect(findContractRejection(['[NOPE] x', 'no code', ''])).toBeNull();
  });
});

describe('meterAndSeqOf', () => {
  it('reads "<meter> seq <n>" and nothing else', () => {
    expect(meterAndSeqOf('reading SP-0001 seq 42 is already recorded')).toEqual({ meterId: 'SP-0001', seq: '42' });
    expect(meterAndSeqOf('meter SP-0001 is not registered')).toEqual({});
  });
});
