import { X509Certificate } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import { beforeAll, describe, expect, it } from 'vitest';
import { readChannelConfig, type ChannelConfig } from './channel-config.js';
import { roleOf, rolePolicyProblem } from './channel-roles.js';
import type { EnrolledIdentity } from './crypto-material.js';
import { createGenesisBlock } from './genesis-block.js';
import { testChannelSpec } from './test-support/channel.js';
import { makeEnvelope, TEST_NOW, testNetwork, type TestNetwork } from './test-support/fixtures.js';
import { validateEnvelope } from './validate-envelope.js';

let net: TestNetwork;
let channel: ChannelConfig;
const ids: Partial<Record<'client' | 'peer' | 'admin' | 'guest', EnrolledIdentity>> = {};
const options = { maxBytes: 10_000, now: new Date(TEST_NOW.getTime() + 86_400_000) };

beforeAll(async () => {
  net = await testNetwork(4);
  channel = readChannelConfig(common.Block.deserializeBinary(createGenesisBlock(testChannelSpec(net)).serializeBinary()));
  for (const ou of ['client', 'peer', 'admin'] as const) ids[ou] = await net.clientOrg.enrol(`${ou}1.org1.example.com`, { ou });
  // Issued by the member CA, but with an OU no NodeOU identifier names (issue 17).
  ids.guest = await net.clientOrg.enrol('guest.org1.example.com', { ou: 'guest' as 'client' });
});

describe('channel Readers/Writers roles (configtxgen-style policies, NodeOUs)', () => {
  it('reads the organisation policies and NodeOUs from the genesis block', () => {
    const org = channel.organizations[0]!;
    expect(org.readerRoles).toEqual(['admin', 'peer', 'client']);
    expect(org.writerRoles).toEqual(['admin', 'client']);
    expect(org.nodeOus).toEqual({ client: 'client', peer: 'peer', admin: 'admin', orderer: 'orderer' });
    expect(roleOf(new X509Certificate(ids.peer!.certPem), org.nodeOus)).toBe('peer');
    expect(roleOf(new X509Certificate(ids.guest!.certPem), org.nodeOus)).toBeUndefined();
  });

  it('Readers admit admin, peer and client and refuse a certificate without a recognised role', () => {
    const org = channel.organizations[0]!;
    for (const role of ['client', 'peer', 'admin'] as const) expect(rolePolicyProblem(new X509Certificate(ids[role]!.certPem), org, 'Readers')).toBeUndefined();
    expect(rolePolicyProblem(new X509Certificate(ids.guest!.certPem), org, 'Readers')).toMatch(/no recognised role; the Readers policy needs admin or peer or client/);
  });

  it('Broadcast admission: a client is a writer; a peer and a role-less certificate get FORBIDDEN NOT_A_WRITER', () => {
    expect(validateEnvelope(makeEnvelope(ids.client!), channel, options)).toMatchObject({ ok: true });
    expect(validateEnvelope(makeEnvelope(ids.peer!), channel, options)).toMatchObject({ ok: false, status: 'FORBIDDEN', code: 'NOT_A_WRITER' });
    expect(validateEnvelope(makeEnvelope(ids.guest!), channel, options)).toMatchObject({ ok: false, status: 'FORBIDDEN', code: 'NOT_A_WRITER', reason: expect.stringMatching(/no recognised role/) });
  });
});
