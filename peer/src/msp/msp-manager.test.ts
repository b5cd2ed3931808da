import { msp } from '@hyperledger/fabric-protos';
import { generateOrganization, type Organization } from '@speedledger/orderer-bft';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMspManager, isIdentityFailure, type IdentityFailure, type MspManager } from './msp-manager.js';
import { MspError } from './msp-error.js';
import { serializeIdentity } from './signing-identity.js';
import type { Identity } from './identity.js';

const NOW = new Date('2025-01-01T00:00:00Z');
let org1: Organization;
let org2: Organization;
let manager: MspManager;

beforeAll(async () => {
  org1 = await generateOrganization({ mspId: 'Org1MSP', domain: 'org1.example.com', now: NOW });
  org2 = await generateOrganization({ mspId: 'Org2MSP', domain: 'org2.example.com', now: NOW });
  manager = createMspManager([
    { mspId: 'Org1MSP', rootCertsPem: [org1.ca.certPem] },
    { mspId: 'Org2MSP', rootCertsPem: [org2.ca.certPem] },
  ]);
});

function expectFailure(value: Identity | IdentityFailure, code: IdentityFailure['code']): void {
  expect(isIdentityFailure(value)).toBe(true);
  expect((value as IdentityFailure).code).toBe(code);
}

describe('createMspManager().deserialize', () => {
  it.each(['peer', 'admin', 'client', 'orderer'] as const)('accepts a %s leaf of its MSP and reads its NodeOU role', async (ou) => {
    const enrolled = await org1.enrol(`${ou}0.org1.example.com`, { ou });
    const bytes = serializeIdentity('Org1MSP', enrolled.certPem);
    const identity = manager.deserialize(bytes);
    if (isIdentityFailure(identity)) throw new Error(identity.error);
    expect(identity.mspId).toBe('Org1MSP');
    expect(identity.role).toBe(ou);
    expect(Buffer.from(identity.serialized).equals(Buffer.from(bytes))).toBe(true);
    expect(new TextDecoder().decode(identity.idBytes)).toBe(enrolled.certPem);
    expect(identity.certificate.subject).toContain(`CN=${ou}0.org1.example.com`);
  });

  it('refuses an identity whose MSP is not known', async () => {
    const enrolled = await org1.enrol('peer0.org1.example.com', { ou: 'peer' });
    const result = manager.deserialize(serializeIdentity('Org3MSP', enrolled.certPem));
    expectFailure(result, 'UNKNOWN_MSP');
    expect((result as IdentityFailure).mspId).toBe('Org3MSP');
  });

  it('refuses a certificate claiming another organisation (issued by a foreign CA)', async () => {
    const enrolled = await org2.enrol('peer0.org2.example.com', { ou: 'peer' });
    expectFailure(manager.deserialize(serializeIdentity('Org1MSP', enrolled.certPem)), 'UNTRUSTED_CERTIFICATE');
  });

  it('refuses a certificate from an unrelated CA with the same names', async () => {
    const impostor = await generateOrganization({ mspId: 'Org1MSP', domain: 'org1.example.com', now: NOW });
    const enrolled = await impostor.enrol('peer0.org1.example.com', { ou: 'peer' });
    expectFailure(manager.deserialize(serializeIdentity('Org1MSP', enrolled.certPem)), 'UNTRUSTED_CERTIFICATE');
  });

  it('refuses the CA certificate itself as an identity', () => {
    expectFailure(manager.deserialize(serializeIdentity('Org1MSP', org1.ca.certPem)), 'CA_CERTIFICATE');
  });

  it('refuses bytes that are not a SerializedIdentity, or lack fields', () => {
    expectFailure(manager.deserialize(new Uint8Array([0xff, 0xff, 0xff])), 'MALFORMED_IDENTITY');
    expectFailure(manager.deserialize(new Uint8Array()), 'MALFORMED_IDENTITY');
    const noCert = new msp.SerializedIdentity();
    noCert.setMspid('Org1MSP');
    expectFailure(manager.deserialize(noCert.serializeBinary()), 'MALFORMED_IDENTITY');
  });

  it('refuses id bytes that are not a certificate', () => {
    expectFailure(manager.deserialize(serializeIdentity('Org1MSP', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')), 'BAD_CERTIFICATE');
  });

  it('checks validity at the given time on every call, cached verdict or not', async () => {
    const enrolled = await org1.enrol('client1.org1.example.com', { ou: 'client', validityDays: 10 });
    const bytes = serializeIdentity('Org1MSP', enrolled.certPem);
    expect(isIdentityFailure(manager.deserialize(bytes, new Date(NOW.getTime() + 86_400_000)))).toBe(false);
    expectFailure(manager.deserialize(bytes, new Date(NOW.getTime() + 11 * 86_400_000)), 'NOT_VALID_NOW');
    expectFailure(manager.deserialize(bytes, new Date(NOW.getTime() - 1000)), 'NOT_VALID_NOW');
    expect(isIdentityFailure(manager.deserialize(bytes))).toBe(false);
  });

  it('refuses a certificate dated before its CA, at any time, as a Fabric peer does (chain checked at the leaf\'s notBefore + 1 s)', async () => {
    const early = await org1.enrol('registrar9.org1.example.com', { ou: 'client', attrs: { 'speedledger.role': 'registrar' }, now: new Date(NOW.getTime() - 2000) });
    const bytes = serializeIdentity('Org1MSP', early.certPem);
    const later = new Date(NOW.getTime() + 86_400_000); // both certificates valid then
    const refused = manager.deserialize(bytes, later);
    expectFailure(refused, 'ISSUED_OUTSIDE_CA_VALIDITY');
    expect((refused as IdentityFailure).error).toContain('outside the validity of its CA');
    expectFailure(manager.deserialize(bytes), 'ISSUED_OUTSIDE_CA_VALIDITY');
    // One second earlier than its CA still verifies at notBefore + 1 s, as in Fabric.
    const edge = await org1.enrol('registrar8.org1.example.com', { ou: 'client', now: new Date(NOW.getTime() - 1000) });
    expect(isIdentityFailure(manager.deserialize(serializeIdentity('Org1MSP', edge.certPem), later))).toBe(false);
  });

  it('gives the same verdicts with caching disabled', async () => {
    const uncached = createMspManager([{ mspId: 'Org1MSP', rootCertsPem: [org1.ca.certPem] }], { cacheCapacity: 0 });
    const enrolled = await org1.enrol('peer1.org1.example.com', { ou: 'peer' });
    const good = serializeIdentity('Org1MSP', enrolled.certPem);
    expect(isIdentityFailure(uncached.deserialize(good))).toBe(false);
    expect(isIdentityFailure(uncached.deserialize(good))).toBe(false);
    expectFailure(uncached.deserialize(serializeIdentity('Org2MSP', enrolled.certPem)), 'UNKNOWN_MSP');
  });

  it('throws INVALID_ROOT_CERTIFICATE for an unusable or non-CA root', async () => {
    expect(() => createMspManager([{ mspId: 'X', rootCertsPem: ['not a pem'] }])).toThrow(MspError);
    const leaf = await org1.enrol('peer2.org1.example.com', { ou: 'peer' });
    try {
      createMspManager([{ mspId: 'X', rootCertsPem: [leaf.certPem] }]);
      expect.unreachable();
    } catch (error) {
      expect((error as MspError).code).toBe('INVALID_ROOT_CERTIFICATE');
      expect((error as MspError).ids).toMatchObject({ mspId: 'X', index: 0 });
    }
  });

  it('lists its MSP ids', () => {
    expect(manager.mspIds).toEqual(['Org1MSP', 'Org2MSP']);
  });
});
