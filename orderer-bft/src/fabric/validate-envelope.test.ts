import { common } from '@hyperledger/fabric-protos';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChannelMembers } from './channel-members.js';
import { generateOrganization, type EnrolledIdentity, type Organization } from './crypto-material.js';
import { createEnvelopeInspector } from './envelope-inspector.js';
import { makeEnvelope, TEST_NOW, testNetwork, type TestNetwork } from './test-support/fixtures.js';
import { validateEnvelope } from './validate-envelope.js';

let net: TestNetwork;
let channel: ChannelMembers;
let foreignOrg: Organization;
let foreigner: EnrolledIdentity;
let expired: EnrolledIdentity;
const NOW = new Date(TEST_NOW.getTime() + 86_400_000);
const options = { maxBytes: 10_000, now: NOW };

beforeAll(async () => {
  net = await testNetwork(4);
  channel = { channelId: 'speedledger', organizations: [{ mspId: 'Org1MSP', rootCertsPem: [net.clientOrg.ca.certPem] }] };
  foreignOrg = await generateOrganization({ mspId: 'Org1MSP', domain: 'evil.example.com', now: TEST_NOW });
  foreigner = await foreignOrg.enrol('mallory.evil.example.com', { ou: 'client' });
  expired = await net.clientOrg.enrol('old.org1.example.com', { ou: 'client', now: new Date(TEST_NOW.getTime() - 10 * 86_400_000), validityDays: 2 });
});

describe('validateEnvelope', () => {
  it('accepts a well-formed, signed endorser transaction from a channel organisation', () => {
    const result = validateEnvelope(makeEnvelope(net.client), channel, options);
    expect(result).toMatchObject({ ok: true, creatorMspId: 'Org1MSP', type: common.HeaderType.ENDORSER_TRANSACTION });
    if (!result.ok) return;
    expect(result.txId).toMatch(/^[0-9a-f]{64}$/);
    expect(result.clientId).toMatch(/^Org1MSP\/[0-9a-f]{64}$/);
  });

  const cases: Array<[string, () => Uint8Array, string, { maxBytes: number; now: Date }?]> = [
    ['malformed bytes', () => Uint8Array.of(0x0a, 0xff, 0xff, 0x01), 'MALFORMED_ENVELOPE'],
    ['an envelope without a signature', () => unsign(makeEnvelope(net.client)), 'MALFORMED_ENVELOPE'],
    ['a creator that is not a certificate', () => makeEnvelope(net.client, { creatorCertPem: 'hello' }), 'MALFORMED_ENVELOPE'],
    ['the wrong channel', () => makeEnvelope(net.client, { channel: 'other' }), 'WRONG_CHANNEL'],
    ['an unknown organisation', () => makeEnvelope(net.client, { creatorMspId: 'Org9MSP' }), 'UNKNOWN_ORG'],
    ['a foreign certificate claiming a channel MSP', () => makeEnvelope(foreigner), 'UNTRUSTED_CERTIFICATE'],
    ['the CA certificate itself as creator', () => makeEnvelope(net.client, { creatorCertPem: net.clientOrg.ca.certPem }), 'UNTRUSTED_CERTIFICATE'],
    ['an expired certificate', () => makeEnvelope(expired), 'CERTIFICATE_NOT_VALID_NOW'],
    ['a signature by another key', () => makeEnvelope(net.client, { signer: expired }), 'BAD_SIGNATURE'],
    ['a garbage signature', () => makeEnvelope(net.client, { signature: Uint8Array.of(0x30, 0x01, 0x00) }), 'BAD_SIGNATURE'],
    ['a tx id that is not SHA-256(nonce ‖ creator)', () => makeEnvelope(net.client, { txId: 'ab'.repeat(32) }), 'TX_ID_MISMATCH'],
    ['a config update', () => makeEnvelope(net.client, { type: common.HeaderType.CONFIG_UPDATE }), 'UNSUPPORTED_TYPE'],
    ['an oversized envelope', () => makeEnvelope(net.client, { data: new Uint8Array(20_000) }), 'OVERSIZED'],
  ];
  for (const [name, build, code] of cases) {
    it(`refuses ${name} with BAD_REQUEST ${code}`, () => {
      expect(validateEnvelope(build(), channel, options)).toMatchObject({ ok: false, status: 'BAD_REQUEST', code });
    });
  }

  it('checks validity only when given a time', () => {
    expect(validateEnvelope(makeEnvelope(expired), channel, { maxBytes: 10_000 })).toMatchObject({ ok: true });
  });
});

describe('createEnvelopeInspector', () => {
  it('names a request by tx id and client by MSP + certificate digest', () => {
    const envelope = makeEnvelope(net.client);
    const validated = validateEnvelope(envelope, channel, options);
    const info = createEnvelopeInspector().inspect(envelope);
    expect(validated.ok && info).toEqual({ clientId: validated.ok ? validated.clientId : '', requestId: validated.ok ? validated.txId : '' });
  });

  it('rejects malformed envelopes; with a channel, also invalid ones', () => {
    expect(createEnvelopeInspector().inspect(Uint8Array.of(1, 2, 3))).toBeUndefined();
    const forged = makeEnvelope(net.client, { signer: expired });
    expect(createEnvelopeInspector().inspect(forged)).toBeDefined();
    expect(createEnvelopeInspector({ channel }).inspect(forged)).toBeUndefined();
    expect(createEnvelopeInspector({ channel }).inspect(makeEnvelope(net.client))).toBeDefined();
  });
});

function unsign(bytes: Uint8Array): Uint8Array {
  const envelope = common.Envelope.deserializeBinary(bytes);
  envelope.setSignature(new Uint8Array(0));
  return envelope.serializeBinary();
}
