import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../runtime/manifest-store.js';
import { upNetwork } from '../runtime/up-network.js';
import { commands } from './index.js';

let dir: string;
let dataDir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'network-cli-'));
  dataDir = join(dir, 'net');
  await upNetwork({ dataDir, basePort: 34_000, start: false });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(words: string[]): Promise<{ code: number; out: string; err: string }> {
  const command = commands.find((c) => c.path.every((w, i) => words[i] === w))!;
  let out = '';
  let err = '';
  const code = await command.run(words.slice(command.path.length), { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } });
  return { code, out, err };
}

describe('network commands', () => {
  it('provides up, down, status, logs, chaincode, meter and reading commands', () => {
    expect(commands.map((c) => c.path.join(' '))).toEqual([
      'up', 'down', 'status', 'logs', 'chaincode approve', 'chaincode commit', 'chaincode list', 'chaincode fingerprint',
      'meter register', 'meter revoke', 'meter show', 'reading submit', 'reading show',
    ]);
  });

  const badUsages: string[][] = [
    ['up', '--orderers', '5'], ['up', '--base-port', 'x'], ['up', '--bogus'], ['status', 'extra'], ['logs', '--lines', '-1'],
    ['logs', 'a', 'b'], ['chaincode', 'approve'], ['chaincode', 'commit', '--org', 'inmetro', '--sha256', 'XYZ', '--data-dir', 'DATA'],
    ['chaincode', 'approve', '--org', 'inmetro', '--sequence', '0', '--data-dir', 'DATA'], ['meter', 'register'], ['meter', 'revoke', '--meter', 'SP-1'],
    ['meter', 'revoke', '--meter', 'SP-1', '--reason', ' '], ['meter', 'show'],
    ['reading', 'submit'], ['reading', 'submit', '--concurrency', '0', 'a.dlr'], ['reading', 'submit', '--batch', '101', 'a.dlr'], ['reading', 'show', '--meter', 'SP-1'],
    ['reading', 'show', '--meter', 'SP-1', '--seq', 'x'],
  ];
  for (const words of badUsages) {
    it(`exits 2 with the usage on: ${words.join(' ')}`, async () => {
      const result = await run(words.map((w) => (w === 'DATA' ? dataDir : w)));
      expect(result.code).toBe(2);
      expect(result.err).toContain('speedledger');
    });
  }

  it('chaincode fingerprint prints the SHA-256 of the package', async () => {
    const file = join(dir, 'pkg.tar.gz');
    await writeFile(file, 'package bytes');
    const result = await run(['chaincode', 'fingerprint', '--package', file]);
    expect(result.code).toBe(0);
    expect(result.out.split(' ')[0]).toBe(createHash('sha256').update('package bytes').digest('hex'));
    expect((await run(['chaincode', 'fingerprint', '--package', join(dir, 'missing.tar.gz')])).err).toContain('PACKAGE_MISSING');
  });

  it('fails with a typed error on a data directory without a network', async () => {
    for (const words of [['status'], ['down'], ['logs'], ['chaincode', 'list'], ['meter', 'show', '--meter', 'SP-000001']]) {
      const result = await run([...words, '--data-dir', join(dir, 'none')]);
      expect(result.code).toBe(1);
      expect(result.err).toContain('MANIFEST_MISSING');
    }
  });

  it('meter register refuses an unusable fleet file before contacting any peer', async () => {
    const fleet = join(dir, 'fleet.json');
    await writeFile(fleet, JSON.stringify({ format: 'speedledger-fleet/1', meters: [{ meterId: 'SP-000001', publicKeyHex: 'zz', site: {} }] }));
    const result = await run(['meter', 'register', '--fleet', fleet, '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('FLEET_INVALID');
    expect(result.err).toContain('SP-000001');
  });

  it('status reports members down (exit 1) on a network that is not running', async () => {
    const result = await run(['status', '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.out).toContain('channel    speedledger');
    expect(result.out.match(/DOWN/g)).toHaveLength(8);
  });

  it('logs prints the tail of one member or of all, prefixed by name', async () => {
    const manifest = await readManifest(dataDir);
    await mkdir(join(dataDir, 'logs'), { recursive: true });
    const [first, second] = manifest.processes;
    await writeFile(first!.logFile, 'one\ntwo\nthree\n');
    await writeFile(second!.logFile, 'alpha\n');
    const single = await run(['logs', '--data-dir', dataDir, '--lines', '2', first!.name]);
    expect([single.code, single.out]).toEqual([0, 'two\nthree\n']);
    const all = await run(['logs', '--data-dir', dataDir]);
    expect(all.out).toContain(`${first!.name} | three`);
    expect(all.out).toContain(`${second!.name} | alpha`);
    expect((await run(['logs', '--data-dir', dataDir, 'nobody'])).err).toContain('UNKNOWN_MEMBER');
  });
});
