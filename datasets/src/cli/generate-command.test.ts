import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeAndVerify, siteParameterProblems } from '@speedledger/lr-chaincode/core';
import { afterAll, describe, expect, it } from 'vitest';
import { meterSignerFromPem } from '../dlr1/meter-signer.js';
import type { ManifestEntry } from '../dataset/manifest-entry.js';
import type { Fleet } from '../fleet/fleet.js';
import { fleetKeys } from '../test-support/fleet-keys.js';
import { commands } from './index.js';

const generate = commands.find((c) => c.path.join(' ') === 'dataset generate')!;
const dirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'speedledger-ds-'));
  dirs.push(dir);
  return dir;
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await generate.run(args, { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } });
  return { code, out, err };
}

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('speedledger dataset generate', () => {
  it('writes readings, manifest, fleet and keys, and prints a JSON summary', async () => {
    const dir = join(await tempDir(), 'out');
    const { code, out } = await run(['--meters', '3', '--readings', '30', '--seed', '8', '--out', dir, '--mix', 'hard']);
    expect(code).toBe(0);
    const summary = JSON.parse(out) as { files: number; readings: number };
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(summary.readings).toBe(30);
    const fleet = JSON.parse(await readFile(join(dir, 'fleet.json'), 'utf8')) as Fleet;
    expect(fleet.format).toBe('speedledger-fleet/1');
    for (const m of fleet.meters) expect(siteParameterProblems(m.site)).toEqual([]);
    const keys = fleetKeys(fleet);
    for (const m of fleet.meters) {
      const pem = await readFile(join(dir, 'keys', `${m.meterId}.pem`), 'utf8');
      expect(meterSignerFromPem(m.meterId, pem).publicKeyHex).toBe(m.publicKeyHex);
    }
    const manifest = (await readFile(join(dir, 'manifest.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as ManifestEntry);
    expect(manifest).toHaveLength(30);
    expect((await readdir(join(dir, 'readings'))).length).toBe(30);
    for (const entry of manifest) {
      const bytes = new Uint8Array(await readFile(join(dir, entry.file)));
      expect(decodeAndVerify(bytes, keys.get(entry.meterId)!).ok).toBe(true);
    }
    expect(summary.files).toBe(30 + 3 + 2);
  });

  it('refuses a non-empty directory unless --force', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'something'), 'x');
    const args = ['--meters', '1', '--readings', '2', '--seed', '1', '--out', dir];
    const refused = await run(args);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/not empty/);
    expect((await run([...args, '--force'])).code).toBe(0);
  });

  it.each([
    [['--readings', '2', '--seed', '1', '--out', 'x'], /--meters is required/],
    [['--meters', 'two', '--readings', '2', '--seed', '1', '--out', 'x'], /--meters must be an integer/],
    [['--meters', '0', '--readings', '2', '--seed', '1', '--out', 'x'], /--meters must be in/],
    [['--meters', '1', '--readings', '2', '--seed', '1'], /--out is required/],
    [['--meters', '1', '--readings', '2', '--seed', '1', '--out', 'x', '--mix', 'odd'], /--mix/],
    [['--meters', '1', '--readings', '2', '--seed', '1', '--out', 'x', '--rate-hz', '50'], /--rate-hz must be in/],
    [['--meters', '1', '--readings', '2', '--seed', '1', '--out', 'x', '--colour', 'red'], /colour/],
    [['--meters', '1', '--readings', '2', '--seed', '1', '--out', 'x', 'extra'], /extra|positional/i],
  ])('exits 2 on bad usage %j', async (args, message) => {
    const { code, err, out } = await run(args);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(out).toBe('');
  });

  it('prints usage for --help', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/usage: speedledger dataset generate/);
  });
});
