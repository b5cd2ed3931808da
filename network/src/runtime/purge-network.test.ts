import { access, cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeNetwork } from './purge-network.js';
import { upNetwork } from './up-network.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'network-purge-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('purgeNetwork (speedledger down --purge)', { timeout: 30_000 }, () => {
  it('deletes a data directory holding our manifest', async () => {
    const dataDir = join(dir, 'net');
    await upNetwork({ dataDir, basePort: 35_000, start: false });
    expect(await purgeNetwork(dataDir, 1000)).toEqual([]);
    await expect(access(dataDir)).rejects.toThrow();
  });

  it('refuses, deleting nothing, a directory without a manifest, with a foreign one, or with one copied from elsewhere', async () => {
    const plain = join(dir, 'plain');
    await mkdir(plain);
    await writeFile(join(plain, 'precious.txt'), 'keep me');
    await expect(purgeNetwork(plain)).rejects.toMatchObject({ code: 'PURGE_REFUSED', message: `${plain} has no network.json, so it is not a speedledger data directory: nothing deleted` });
    const foreign = join(dir, 'foreign');
    await mkdir(foreign);
    await writeFile(join(foreign, 'network.json'), '{"format":"something-else"}');
    await expect(purgeNetwork(foreign)).rejects.toThrow('has a network.json that is not a speedledger manifest');
    const original = join(dir, 'original');
    await upNetwork({ dataDir: original, basePort: 36_000, start: false });
    const copy = join(dir, 'copy');
    await cp(original, copy, { recursive: true });
    await expect(purgeNetwork(copy)).rejects.toThrow(/belongs to the network in .*original/);
    expect(await readdir(plain)).toEqual(['precious.txt']);
    expect(await readdir(foreign)).toEqual(['network.json']);
    expect((await readdir(copy)).length).toBeGreaterThan(3);
    await expect(purgeNetwork('/')).rejects.toMatchObject({ code: 'PURGE_REFUSED' });
  });
});
