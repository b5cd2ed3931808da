import { generateKeyPairSync } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerError } from '../errors/ledger-error.js';
import { createClientFixture, profileFor, type ClientFixture } from '../test-support/client-fixture.js';
import { checkedIdentity, loadClientIdentity, loadConnectionProfile } from './load-connection.js';

let fixture: ClientFixture;
beforeAll(async () => {
  fixture = await createClientFixture();
});
afterAll(async () => {
  await fixture.remove();
});

async function configError(run: () => Promise<unknown>): Promise<LedgerError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LedgerError);
  expect((error as LedgerError).code).toBe('INVALID_CONFIG');
  return error as LedgerError;
}

describe('loadConnectionProfile', () => {
  it('reads a JSON file and inlines TLS CA files relative to its directory', async () => {
    const dir = join(fixture.dir, 'profiles');
    await mkdir(join(dir, 'tls'), { recursive: true });
    await writeFile(join(dir, 'tls', 'ca.pem'), 'CA-PEM');
    const raw = profileFor(fixture.mspId, 1, 2);
    (raw.peers as Record<string, Record<string, unknown>>)['peer0.city.example.com'] = { url: 'grpcs://127.0.0.1:1', tlsCACerts: { path: 'tls/ca.pem' } };
    await writeFile(join(dir, 'connection-city.json'), JSON.stringify(raw));
    const profile = await loadConnectionProfile(join(dir, 'connection-city.json'));
    expect(profile.peers['peer0.city.example.com']!.tlsCACerts).toEqual({ pem: 'CA-PEM' });
  });

  it('takes an object without touching the caller’s copy', async () => {
    const raw = profileFor(fixture.mspId, 1, 2);
    const profile = await loadConnectionProfile(raw);
    expect(profile.raw).not.toBe(raw);
    expect(profile.organizations.CityOperator!.mspid).toBe(fixture.mspId);
  });

  it('refuses a missing file, a non-JSON file and an unreadable TLS file', async () => {
    await configError(() => loadConnectionProfile(join(fixture.dir, 'nope.json')));
    await writeFile(join(fixture.dir, 'profile.yaml'), 'name: x\n');
    expect((await configError(() => loadConnectionProfile(join(fixture.dir, 'profile.yaml')))).message).toContain('not JSON');
    const raw = profileFor(fixture.mspId, 1, 2);
    (raw.peers as Record<string, Record<string, unknown>>)['peer0.city.example.com'] = { url: 'grpcs://127.0.0.1:1', tlsCACerts: { path: '/nonexistent/ca.pem' } };
    await configError(() => loadConnectionProfile(raw));
  });
});

describe('loadClientIdentity', () => {
  it('reads the identity from a cryptogen-layout MSP directory', async () => {
    const identity = await loadClientIdentity({ mspId: fixture.mspId, mspDir: fixture.userMspDir });
    expect(identity.certPem).toBe(fixture.user.certPem);
    expect(identity.privateKeyPem).toBe(fixture.user.privateKeyPem);
  });

  it('takes inline PEM', async () => {
    const identity = await loadClientIdentity({ mspId: fixture.mspId, certPem: fixture.user.certPem, privateKeyPem: fixture.user.privateKeyPem });
    expect(identity.mspId).toBe(fixture.mspId);
  });

  it('refuses no mspId, no material, a missing MSP directory', async () => {
    await configError(() => loadClientIdentity({ mspId: '', mspDir: fixture.userMspDir }));
    await configError(() => loadClientIdentity({ mspId: fixture.mspId }));
    await configError(() => loadClientIdentity({ mspId: fixture.mspId, mspDir: join(fixture.dir, 'missing', 'msp') }));
  });

  it('refuses a key that does not belong to the certificate, and garbage PEM', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => checkedIdentity({ mspId: 'X', certPem: fixture.user.certPem, privateKeyPem: other })).toThrow(/does not match/);
    expect(() => checkedIdentity({ mspId: 'X', certPem: 'junk', privateKeyPem: other })).toThrow(/not a PEM X.509/);
    expect(() => checkedIdentity({ mspId: 'X', certPem: fixture.user.certPem, privateKeyPem: 'junk' })).toThrow(/not a PEM private key/);
    const keystore = join(fixture.dir, 'bad-msp');
    await mkdir(join(keystore, 'signcerts'), { recursive: true });
    await mkdir(join(keystore, 'keystore'), { recursive: true });
    await mkdir(join(keystore, 'cacerts'), { recursive: true });
    await writeFile(join(keystore, 'signcerts', 'cert.pem'), fixture.user.certPem);
    await writeFile(join(keystore, 'keystore', 'priv_sk'), other);
    await writeFile(join(keystore, 'cacerts', 'ca.pem'), fixture.user.certPem);
    await configError(() => loadClientIdentity({ mspId: fixture.mspId, mspDir: keystore }));
    await rm(keystore, { recursive: true });
  });
});
