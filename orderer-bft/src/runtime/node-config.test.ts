import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEcdsaKeyPair } from './ecdsa-identity.js';
import { loadNodeConfig, parseNodeConfig, RUNTIME_TIMING } from './node-config.js';

const keys = generateEcdsaKeyPair();
const valid = {
  id: 1, channel: 'speedledger', listen: { grpc: '127.0.0.1:7050' }, dataDir: 'data',
  privateKeyPem: keys.privateKeyPem,
  replicas: [0, 1, 2, 3].map((id) => ({ id, address: `127.0.0.1:${7050 + id}`, publicKeyPem: keys.publicKeyPem })),
};

describe('parseNodeConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'node-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fills protocol defaults and resolves the data dir against the config directory', async () => {
    const config = await parseNodeConfig({ ...valid, protocol: { poolMaxSize: 5 } }, dir);
    expect(config.protocol).toEqual({ ...RUNTIME_TIMING, poolMaxSize: 5 });
    expect(config.dataDir).toBe(join(dir, 'data'));
    expect(config.logLevel).toBe('info');
  });

  it('reads key files relative to the config file', async () => {
    await writeFile(join(dir, 'k.pem'), keys.privateKeyPem);
    const path = join(dir, 'c.json');
    await writeFile(path, JSON.stringify({ ...valid, privateKeyPem: undefined, privateKeyFile: 'k.pem' }));
    expect((await loadNodeConfig(path)).privateKeyPem).toBe(keys.privateKeyPem);
  });

  it.each([
    ['id', { id: -1 }],
    ['id', { id: 4 }],
    ['channel', { channel: 'Bad Channel' }],
    ['listen.grpc', { listen: {} }],
    ['replicas', { replicas: [] }],
    ['replicas[0].id', { replicas: [{ id: 3, address: 'h:1', publicKeyPem: 'x' }] }],
    ['replicas[0].address', { replicas: [{ id: 0, address: 'nowhere', publicKeyPem: 'x' }] }],
    ['replicas[0].publicKeyFile', { replicas: [{ id: 0, address: 'h:1' }] }],
    ['dataDir', { dataDir: 3 }],
    ['maxEnvelopeBytes', { maxEnvelopeBytes: 0 }],
    ['logLevel', { logLevel: 'loud' }],
    ['privateKeyFile', { privateKeyPem: undefined, privateKeyFile: 'absent.pem' }],
  ])('refuses a bad %s with INVALID_RUNTIME_CONFIG naming the field', async (field, patch) => {
    await expect(parseNodeConfig({ ...valid, ...patch }, dir)).rejects.toMatchObject({ code: 'INVALID_RUNTIME_CONFIG', ids: { field } });
  });

  it('accepts the test-only byzantine switch only with SPEEDLEDGER_ALLOW_BYZANTINE=1', async () => {
    const byzantine = { garbageSignatures: 'proposals' };
    const allowed = await parseNodeConfig({ ...valid, byzantine }, dir, { SPEEDLEDGER_ALLOW_BYZANTINE: '1' });
    expect(allowed.byzantine).toEqual(byzantine);
    expect((await parseNodeConfig(valid, dir, { SPEEDLEDGER_ALLOW_BYZANTINE: '1' })).byzantine).toBeUndefined();
    for (const env of [{}, { SPEEDLEDGER_ALLOW_BYZANTINE: 'yes' }, { SPEEDLEDGER_ALLOW_BYZANTINE: '0' }]) {
      await expect(parseNodeConfig({ ...valid, byzantine }, dir, env)).rejects.toMatchObject({ code: 'INVALID_RUNTIME_CONFIG', ids: { field: 'byzantine' } });
    }
  });

  it.each([{ garbageSignatures: 'some' }, { garbageSignatures: true }, {}, null])('refuses byzantine %j naming byzantine.garbageSignatures', async (byzantine) => {
    await expect(parseNodeConfig({ ...valid, byzantine }, dir, { SPEEDLEDGER_ALLOW_BYZANTINE: '1' }))
      .rejects.toMatchObject({ code: 'INVALID_RUNTIME_CONFIG', ids: { field: 'byzantine.garbageSignatures' } });
  });

  it('refuses a missing or non-JSON config file', async () => {
    await expect(loadNodeConfig(join(dir, 'absent.json'))).rejects.toMatchObject({ code: 'INVALID_RUNTIME_CONFIG' });
    await writeFile(join(dir, 'bad.json'), '{');
    await expect(loadNodeConfig(join(dir, 'bad.json'))).rejects.toMatchObject({ code: 'INVALID_RUNTIME_CONFIG' });
  });
});
