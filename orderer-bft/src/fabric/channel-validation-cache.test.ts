import { common } from '@hyperledger/fabric-protos';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { channelValidationCache, resetChannelValidationCache } from './channel-validation-cache.js';
import type { ChannelMembers } from './channel-members.js';
import { generateOrganization, type EnrolledIdentity } from './crypto-material.js';
import { createEnvelopeInspector } from './envelope-inspector.js';
import { makeEnvelope, TEST_NOW, testNetwork, type TestNetwork } from './test-support/fixtures.js';
import { checkCreator, validateEnvelope } from './validate-envelope.js';
import { parseEnvelope, type ParsedEnvelope } from './parse-envelope.js';

const DAY = 86_400_000;
let net: TestNetwork;
let channel: ChannelMembers;
let lookalike: EnrolledIdentity;
let shortLived: EnrolledIdentity;
let others: EnrolledIdentity[];
const at = (days: number): { maxBytes: number; now: Date } => ({ maxBytes: 10_000, now: new Date(TEST_NOW.getTime() + days * DAY) });

beforeAll(async () => {
  net = await testNetwork(4);
  // Same MSP id, same CA and user names as the real organisation: only the keys differ.
  const impostorOrg = await generateOrganization({ mspId: 'Org1MSP', domain: 'org1.example.com', now: TEST_NOW });
  lookalike = await impostorOrg.enrol('user1.org1.example.com', { ou: 'client' });
  shortLived = await net.clientOrg.enrol('short.org1.example.com', { ou: 'client', validityDays: 2 });
  others = [];
  for (let i = 0; i < 4; i += 1) others.push(await net.clientOrg.enrol(`user${i + 10}.org1.example.com`, { ou: 'client' }));
});

beforeEach(() => {
  channel = { channelId: 'speedledger', organizations: [{ mspId: 'Org1MSP', rootCertsPem: [net.clientOrg.ca.certPem] }] };
});

function tamper(bytes: Uint8Array): Uint8Array {
  const envelope = common.Envelope.deserializeBinary(bytes);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  payload.setData(new TextEncoder().encode('speed record, 30 km/h less'));
  envelope.setPayload(payload.serializeBinary());
  return envelope.serializeBinary();
}

describe('validation cache: what a cached creator or envelope does not let through', () => {
  beforeEach(() => {
    expect(validateEnvelope(makeEnvelope(net.client), channel, at(1))).toMatchObject({ ok: true });
    expect(channelValidationCache(channel).creators.size).toBe(1);
  });

  it('a signature by another key under the cached creator', () => {
    expect(validateEnvelope(makeEnvelope(net.client, { signer: others[0]! }), channel, at(1))).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it('a cached envelope whose payload was changed after signing', () => {
    const envelope = makeEnvelope(net.client);
    expect(validateEnvelope(envelope, channel, at(1))).toMatchObject({ ok: true });
    expect(validateEnvelope(tamper(envelope), channel, at(1))).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(createEnvelopeInspector({ channel }).inspect(tamper(envelope))).toBeUndefined();
  });

  it('a look-alike certificate (same MSP, same names, other CA key)', () => {
    expect(validateEnvelope(makeEnvelope(lookalike), channel, at(1))).toMatchObject({ ok: false, code: 'UNTRUSTED_CERTIFICATE' });
    expect(validateEnvelope(makeEnvelope(net.client, { creatorCertPem: lookalike.certPem, signer: lookalike }), channel, at(1)))
      .toMatchObject({ ok: false, code: 'UNTRUSTED_CERTIFICATE' });
  });

  it('a forged envelope inside a proposal, for the inspector', () => {
    const inspector = createEnvelopeInspector({ channel });
    expect(inspector.inspect(makeEnvelope(net.client, { signer: lookalike }))).toBeUndefined();
    expect(inspector.inspect(makeEnvelope(net.client, { txId: 'cd'.repeat(32) }))).toBeUndefined();
    expect(inspector.inspect(makeEnvelope(net.client, { channel: 'other' }))).toBeUndefined();
  });
});

describe('validation cache: expiry is checked at every call', () => {
  it('refuses a cached envelope and a cached creator once the certificate has expired, and before it is valid', () => {
    const envelope = makeEnvelope(shortLived);
    expect(validateEnvelope(envelope, channel, at(1))).toMatchObject({ ok: true });
    expect(validateEnvelope(envelope, channel, at(3))).toMatchObject({ ok: false, code: 'CERTIFICATE_NOT_VALID_NOW' });
    expect(validateEnvelope(makeEnvelope(shortLived), channel, at(3))).toMatchObject({ ok: false, code: 'CERTIFICATE_NOT_VALID_NOW' });
    expect(validateEnvelope(envelope, channel, at(-1))).toMatchObject({ ok: false, code: 'CERTIFICATE_NOT_VALID_NOW' });
    const parsed = parseEnvelope(envelope) as ParsedEnvelope;
    expect(checkCreator(parsed, channel, new Date(TEST_NOW.getTime() + 3 * DAY))).toMatchObject({ code: 'CERTIFICATE_NOT_VALID_NOW' });
    // Without a time (the inspector), the same envelope stays acceptable: replicas must agree.
    expect(validateEnvelope(envelope, channel, { maxBytes: 10_000 })).toMatchObject({ ok: true });
    expect(validateEnvelope(envelope, channel, at(1))).toMatchObject({ ok: true });
  });

  it('gives the same answer from the cache as from a cold check', () => {
    const envelope = makeEnvelope(shortLived);
    const cold = validateEnvelope(envelope, { ...channel }, at(3));
    validateEnvelope(envelope, channel, at(1));
    expect(validateEnvelope(envelope, channel, at(3))).toEqual(cold);
    const fresh = validateEnvelope(envelope, { ...channel }, at(1));
    expect(validateEnvelope(envelope, channel, at(1))).toEqual(fresh);
  });
});

describe('validation cache: scope and bounds', () => {
  it('is per channel object: another channel with the same id but other roots trusts nothing cached here', () => {
    const envelope = makeEnvelope(net.client);
    expect(validateEnvelope(envelope, channel, at(1))).toMatchObject({ ok: true });
    const impostorChannel: ChannelMembers = { channelId: 'speedledger', organizations: [{ mspId: 'Org1MSP', rootCertsPem: [net.ordererOrg.ca.certPem] }] };
    expect(validateEnvelope(envelope, impostorChannel, at(1))).toMatchObject({ ok: false, code: 'UNTRUSTED_CERTIFICATE' });
    expect(validateEnvelope(envelope, { ...channel, channelId: 'other' }, at(1))).toMatchObject({ ok: false, code: 'WRONG_CHANNEL' });
  });

  it('stays within its limits however many creators and envelopes arrive, and still validates evicted ones', () => {
    const cache = resetChannelValidationCache(channel, { maxCreators: 2, maxEnvelopes: 3 });
    const sent = [...others, net.client].flatMap((identity) => [makeEnvelope(identity), makeEnvelope(identity)]);
    for (const envelope of sent) expect(validateEnvelope(envelope, channel, at(1))).toMatchObject({ ok: true });
    expect([cache.creators.size, cache.envelopes.size]).toEqual([2, 3]);
    expect(validateEnvelope(sent[0]!, channel, at(1))).toMatchObject({ ok: true });
    expect(validateEnvelope(makeEnvelope(others[0]!, { signer: others[1]! }), channel, at(1))).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect([cache.creators.size, cache.envelopes.size]).toEqual([2, 3]);
  });

  it('remembers no failure, so a flood of untrusted certificates or forgeries evicts nobody', () => {
    const cache = resetChannelValidationCache(channel);
    for (let i = 0; i < 5; i += 1) {
      validateEnvelope(makeEnvelope(lookalike), channel, at(1));
      validateEnvelope(makeEnvelope(net.client, { signer: lookalike }), channel, at(1));
      validateEnvelope(makeEnvelope(net.client, { creatorCertPem: 'not a certificate' }), channel, at(1));
    }
    expect(cache.envelopes.size).toBe(0);
    expect(cache.creators.size).toBe(1);
  });
});
