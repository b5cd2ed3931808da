import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { definitionKey, encodeDefinition, LIFECYCLE_NAMESPACE, type ChaincodeDefinition } from '../lifecycle/index.js';
import { MemoryState } from '../lifecycle/test-support/memory-state.js';
import { createChaincodeResolver, labelNames } from './chaincode-resolver.js';

const packageFile = join(dirname(createRequire(import.meta.url).resolve('@speedledger/lr-chaincode')), '..', 'build', 'lr-chaincode.tar.gz');

describe('package labels', () => {
  it('name a chaincode by `<name>` or `<name>_<version>` only', () => {
    expect(labelNames('lr-chaincode_0.1.0', 'lr-chaincode')).toBe(true);
    expect(labelNames('lr-chaincode', 'lr-chaincode')).toBe(true);
    expect(labelNames('lr-chaincode-evil_1', 'lr-chaincode')).toBe(false);
    expect(labelNames('other_1', 'lr-chaincode')).toBe(false);
  });
});

// Under CI everything is built first: a missing package must fail, not skip.
describe.skipIf(!existsSync(packageFile) && !process.env.CI)('chaincode resolver', () => {
  async function setup(install: 'genuine' | 'tampered' | 'none') {
    const genuine = await readFile(packageFile);
    const dir = await mkdtemp(join(tmpdir(), 'resolver-'));
    if (install === 'genuine') await writeFile(join(dir, 'lr.tar.gz'), genuine);
    if (install === 'tampered') await writeFile(join(dir, 'lr.tar.gz'), gzipSync(gunzipSync(genuine), { level: 1 }));
    const state = new MemoryState();
    const definition: ChaincodeDefinition = {
      name: 'lr-chaincode', version: '0.1.0', sequence: 1, packageSha256: createHash('sha256').update(genuine).digest('hex'),
      endorsementPolicy: 'x', applicationPolicy: new Uint8Array([1]),
    };
    const mismatches: string[] = [];
    const resolver = createChaincodeResolver({
      state, packagesDir: dir, installRoot: join(dir, 'installed'), onMismatch: (d, actual) => mismatches.push(`${d.name}@${d.sequence}:${actual.sha256}`),
    });
    return { state, definition, resolver, mismatches };
  }
  const commit = (state: MemoryState, definition: ChaincodeDefinition) =>
    state.values.set(`${LIFECYCLE_NAMESPACE}\u0000${definitionKey(definition.name)}`, encodeDefinition(definition));

  it('refuses an undefined chaincode', async () => {
    const { resolver } = await setup('genuine');
    expect(await resolver.resolve('lr-chaincode')).toMatchObject({ refusal: { code: 'CHAINCODE_NOT_DEFINED' } });
  });

  it('refuses a same-label package with another fingerprint and reports the mismatch', async () => {
    const { state, definition, resolver, mismatches } = await setup('tampered');
    commit(state, definition);
    expect(resolver.verdict(definition)).toMatchObject({ kind: 'mismatch', package: { label: 'lr-chaincode_0.1.0' } });
    const resolution = await resolver.resolve('lr-chaincode');
    expect(resolution).toMatchObject({ refusal: { code: 'CHAINCODE_FINGERPRINT_MISMATCH', message: expect.stringContaining(definition.packageSha256) } });
    expect(mismatches).toHaveLength(1);
    expect(resolver.running(definition)).toBe(false);
  });

  it('refuses when no package of the chaincode is installed', async () => {
    const { state, definition, resolver, mismatches } = await setup('none');
    commit(state, definition);
    expect(resolver.verdict(definition)).toEqual({ kind: 'missing' });
    expect(await resolver.resolve('lr-chaincode')).toMatchObject({ refusal: { code: 'CHAINCODE_NOT_INSTALLED' } });
    expect(mismatches).toEqual([]);
  });

  it('starts the package with the committed fingerprint once', async () => {
    const { state, definition, resolver } = await setup('genuine');
    commit(state, definition);
    const first = await resolver.resolve('lr-chaincode');
    expect(first).toHaveProperty('container');
    expect(first).toMatchObject({ version: '0.1.0' });
    const second = await resolver.resolve('lr-chaincode');
    expect((second as { container: unknown }).container).toBe((first as { container: unknown }).container);
    expect(resolver.running(definition)).toBe(true);
  });
});
