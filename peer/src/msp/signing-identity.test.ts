import { verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateOrganization, identityMspDir, writeOrganization, type Organization } from '@speedledger/orderer-bft';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningIdentity } from './adapters/msp-signing-identity.js';
import { MspError } from './msp-error.js';
import { createMspManager, isIdentityFailure } from './msp-manager.js';
import { signingIdentityFromPem } from './signing-identity.js';
import { verifySignature } from './verify-signature.js';
import type { Identity } from './identity.js';

const NOW = new Date('2025-01-01T00:00:00Z');
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
let org: Organization;
const dirs: string[] = [];

beforeAll(async () => {
  org = await generateOrganization({ mspId: 'Org1MSP', domain: 'org1.example.com', now: NOW });
});
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

function derInt(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0]! & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

/** The same signature with s replaced by n − s: mathematically valid, but high-S. */
function highS(der: Uint8Array): Uint8Array {
  const buf = Buffer.from(der);
  const rLen = buf[3]!;
  const r = BigInt(`0x${buf.subarray(4, 4 + rLen).toString('hex')}`);
  const sLen = buf[5 + rLen]!;
  const s = BigInt(`0x${buf.subarray(6 + rLen, 6 + rLen + sLen).toString('hex')}`);
  const body = Buffer.concat([derInt(r), derInt(N - s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function deserialized(serialized: Uint8Array): Identity {
  const identity = createMspManager([{ mspId: 'Org1MSP', rootCertsPem: [org.ca.certPem] }]).deserialize(serialized);
  if (isIdentityFailure(identity)) throw new Error(identity.error);
  return identity;
}

describe('signingIdentityFromPem + verifySignature', () => {
  it('signs low-S DER signatures that verify; tampered messages and high-S twins do not', async () => {
    const enrolled = await org.enrol('peer0.org1.example.com', { ou: 'peer' });
    const signer = signingIdentityFromPem('Org1MSP', enrolled.certPem, enrolled.privateKeyPem);
    const identity = deserialized(signer.serialized);
    expect(identity.role).toBe('peer');
    const message = new TextEncoder().encode('proposal response payload');
    for (let i = 0; i < 8; i++) {
      const signature = signer.sign(message);
      expect(verifySignature(identity, message, signature)).toBe(true);
      expect(verifySignature(identity, new TextEncoder().encode('proposal response payloaD'), signature)).toBe(false);
      // The twin is a valid ECDSA signature (OpenSSL accepts it): only the low-S rule refuses it.
      expect(verify('sha256', message, identity.publicKey, highS(signature))).toBe(true);
      expect(verifySignature(identity, message, highS(signature))).toBe(false);
    }
    expect(verifySignature(identity, message, new Uint8Array([0x30, 0x00]))).toBe(false);
  });

  it("refuses another identity's signature", async () => {
    const a = await org.enrol('a.org1.example.com', { ou: 'client' });
    const b = await org.enrol('b.org1.example.com', { ou: 'client' });
    const signerA = signingIdentityFromPem('Org1MSP', a.certPem, a.privateKeyPem);
    const identityB = deserialized(signingIdentityFromPem('Org1MSP', b.certPem, b.privateKeyPem).serialized);
    const message = new Uint8Array([1, 2, 3]);
    expect(verifySignature(identityB, message, signerA.sign(message))).toBe(false);
  });

  it('throws INVALID_SIGNING_IDENTITY for a key of another certificate, bad PEM or empty MSP id', async () => {
    const a = await org.enrol('c.org1.example.com', { ou: 'client' });
    const b = await org.enrol('d.org1.example.com', { ou: 'client' });
    const attempts = [
      () => signingIdentityFromPem('Org1MSP', a.certPem, b.privateKeyPem),
      () => signingIdentityFromPem('Org1MSP', 'garbage', a.privateKeyPem),
      () => signingIdentityFromPem('Org1MSP', a.certPem, 'garbage'),
      () => signingIdentityFromPem('', a.certPem, a.privateKeyPem),
    ];
    for (const attempt of attempts) {
      expect(attempt).toThrow(MspError);
      try {
        attempt();
      } catch (error) {
        expect((error as MspError).code).toBe('INVALID_SIGNING_IDENTITY');
      }
    }
  });
});

describe('loadSigningIdentity', () => {
  it("reads a cryptogen-layout MSP directory and signs as that identity", async () => {
    const root = await mkdtemp(join(tmpdir(), 'p1-msp-'));
    dirs.push(root);
    const admin = await org.enrol('Admin@org1.example.com', { ou: 'admin' });
    const orgDir = await writeOrganization(root, { mspId: 'Org1MSP', domain: org.domain, kind: 'peer', ca: org.ca, identities: [admin] });
    const signer = await loadSigningIdentity(identityMspDir(orgDir, admin.name, 'admin'), 'Org1MSP');
    expect(signer.certificatePem).toBe(admin.certPem);
    const identity = deserialized(signer.serialized);
    expect(identity.role).toBe('admin');
    expect(verifySignature(identity, new Uint8Array([9]), signer.sign(new Uint8Array([9])))).toBe(true);
  });

  it('throws INVALID_SIGNING_IDENTITY for a missing directory', async () => {
    await expect(loadSigningIdentity(join(tmpdir(), 'p1-no-such-msp-dir'), 'Org1MSP')).rejects.toMatchObject({ code: 'INVALID_SIGNING_IDENTITY' });
  });
});
