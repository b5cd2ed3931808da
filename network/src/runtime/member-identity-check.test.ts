import { describe, expect, it } from 'vitest';
import { identityMismatch, type ExpectedIdentity } from './member-identity-check.js';

const peer: ExpectedIdentity = { name: 'peer0.inmetro.speedledger.local', kind: 'peer', mspId: 'InmetroMSP', channel: 'speedledger', certSha256: 'a'.repeat(64) };
const orderer: ExpectedIdentity = { name: 'orderer0.ptb.speedledger.local', kind: 'orderer', mspId: 'PTBOrdererMSP', channel: 'speedledger', certSha256: 'c'.repeat(64) };

describe('identityMismatch (is this member ours?)', () => {
  it('accepts the expected name, MSP id, channel and certificate', () => {
    expect(identityMismatch(peer, { name: peer.name, mspId: 'InmetroMSP', channel: 'speedledger', certSha256: 'a'.repeat(64), height: 3 })).toBeUndefined();
    expect(identityMismatch(orderer, { kind: 'orderer', id: 1, channel: 'speedledger', certSha256: 'c'.repeat(64) })).toBeUndefined();
  });

  it("refuses another network's member of the same name and MSP (its certificate differs)", () => {
    expect(identityMismatch(peer, { name: peer.name, mspId: 'InmetroMSP', channel: 'speedledger', certSha256: 'b'.repeat(64) }))
      .toBe(`certificate ${'b'.repeat(12)}… is not this network's ${'a'.repeat(12)}…`);
    expect(identityMismatch(orderer, { kind: 'orderer', id: 1, channel: 'speedledger' })).toBe(`certificate none is not this network's ${'c'.repeat(12)}…`);
  });

  it('refuses another peer, another channel and documents that are not /status', () => {
    expect(identityMismatch(peer, { name: 'peer0.ptb.speedledger.local', mspId: 'PTBMSP', channel: 'speedledger', certSha256: 'a'.repeat(64) }))
      .toBe('answers as peer0.ptb.speedledger.local (PTBMSP)');
    expect(identityMismatch(orderer, { kind: 'orderer', channel: 'mychannel', certSha256: 'c'.repeat(64) })).toBe('serves channel mychannel, not speedledger');
    expect(identityMismatch(peer, 'OK')).toBe('/status is not a JSON object');
  });
});
