import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../runtime/manifest-store.js';
import { defaultPackageFile, upNetwork } from '../runtime/up-network.js';
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
      'chaincode queryinstalled', 'chaincode queryapproved', 'chaincode checkcommitreadiness', 'chaincode querycommitted',
      'meter register', 'meter revoke', 'meter show', 'reading submit', 'reading show', 'reading list', 'violation list',
      'channel getinfo', 'channel fetch',
    ]);
  });

  const badUsages: string[][] = [
    ['up', '--orderers', '5'], ['up', '--base-port', 'x'], ['up', '--bogus'], ['status', 'extra'], ['logs', '--lines', '-1'],
    ['logs', 'a', 'b'], ['chaincode', 'approve'], ['chaincode', 'commit', '--org', 'inmetro', '--sha256', 'XYZ', '--data-dir', 'DATA'],
    ['chaincode', 'approve', '--org', 'inmetro', '--sequence', '0', '--data-dir', 'DATA'], ['meter', 'register'], ['meter', 'revoke', '--meter', 'SP-1'],
    ['meter', 'revoke', '--meter', 'SP-1', '--reason', ' '], ['meter', 'show'],
    ['reading', 'submit'], ['reading', 'submit', '--concurrency', '0', 'a.dlr'], ['reading', 'submit', '--batch', '101', 'a.dlr'], ['reading', 'show', '--meter', 'SP-1'],
    ['reading', 'show', '--meter', 'SP-1', '--seq', 'x'], ['up', '--base-port', 'automatic'],
    ['chaincode', 'approve', '--org', 'inmetro', '--package-id', 'lr-chaincode', '--data-dir', 'DATA'],
    ['chaincode', 'approve', '--org', 'inmetro', '--package-id', `lr:${'a'.repeat(64)}`, '--sha256', 'a'.repeat(64), '--data-dir', 'DATA'],
    ['chaincode', 'queryapproved'], ['chaincode', 'queryapproved', '--name', 'lr-chaincode', '--sequence', '0'],
    ['chaincode', 'checkcommitreadiness', '--name', 'lr-chaincode', '--version', '1', '--sequence', '1'],
    ['chaincode', 'checkcommitreadiness', '--name', 'lr-chaincode', '--version', '1', '--sequence', '1', '--package-id', 'x:y'],
    ['reading', 'list'], ['reading', 'list', '--meter', 'SP-1', '--from', 'yesterday'], ['reading', 'list', '--meter', 'SP-1', '--page-size', '0'],
    ['violation', 'list', '--to', '2026-13-45T99'], ['down', '--purge', 'now'],
  ];
  for (const words of badUsages) {
    it(`exits 2 with the usage on: ${words.join(' ')}`, async () => {
      const result = await run(words.map((w) => (w === 'DATA' ? dataDir : w)));
      expect(result.code).toBe(2);
      expect(result.err).toContain('speedledger');
    });
  }

  it('chaincode fingerprint prints the SHA-256 and the package id LABEL:SHA256 of a chaincode package, and refuses anything else', async () => {
    const file = defaultPackageFile();
    const sha256 = createHash('sha256').update(await readFile(file)).digest('hex');
    const result = await run(['chaincode', 'fingerprint', '--package', file]);
    expect([result.code, result.out]).toEqual([0, `${sha256}  lr-chaincode_0.1.0:${sha256}  ${file}\n`]);
    const json = await run(['chaincode', 'fingerprint', '--package', file, '--json']);
    expect(JSON.parse(json.out)).toEqual({ file, sha256, label: 'lr-chaincode_0.1.0', packageId: `lr-chaincode_0.1.0:${sha256}`, type: 'node' });
    const bytes = join(dir, 'pkg.tar.gz');
    await writeFile(bytes, 'package bytes');
    expect(await run(['chaincode', 'fingerprint', '--package', bytes])).toMatchObject({ code: 1, err: expect.stringContaining('PACKAGE_INVALID') });
    expect((await run(['chaincode', 'fingerprint', '--package', join(dir, 'missing.tar.gz')])).err).toContain('PACKAGE_MISSING');
  });

  it('chaincode approve/install refuses a file that is not a chaincode package before installing or sending anything', async () => {
    const readme = join(dir, 'README.md');
    await writeFile(readme, '# not a chaincode\n');
    const manifest = await readManifest(dataDir);
    const result = await run(['chaincode', 'approve', '--org', 'inmetro', '--package', readme, '--sequence', '2', '--version', '2', '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^chaincode approve failed: PACKAGE_INVALID: .*README\.md is not a Fabric chaincode package \(a \.tar\.gz of metadata\.json with type and label, and code\.tar\.gz\)/);
    for (const peer of manifest.processes.filter((p) => p.kind === 'peer')) await expect(readdir(peer.chaincodePackagesDir!)).rejects.toThrow();
    // A gzip tar without metadata.json, and one whose metadata names a type these peers do not run.
    const tarball = join(dir, 'not-a-package.tar.gz');
    await writeFile(tarball, gzipSync(Buffer.alloc(1024)));
    expect((await run(['chaincode', 'approve', '--org', 'ptb', '--package', tarball, '--data-dir', dataDir])).err).toContain('PACKAGE_INVALID');
  });

  it('reading submit reports an unreadable file in the common error shape, on its own line', async () => {
    const missing = join(dir, 'missing.dlr');
    const result = await run(['reading', 'submit', missing, '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out)).toEqual({ file: missing, error: { code: 'ENOENT', stage: 'command', message: expect.stringContaining('no such file') } });
  });

  it('down --purge deletes a data directory with our manifest only', async () => {
    const other = join(dir, 'purge-me');
    await upNetwork({ dataDir: other, basePort: 34_500, start: false });
    const refused = await run(['down', '--purge', '--data-dir', join(dir, 'none')]);
    expect([refused.code, refused.err]).toEqual([1, expect.stringContaining('PURGE_REFUSED')]);
    const purged = await run(['down', '--purge', '--data-dir', other]);
    expect([purged.code, purged.out]).toEqual([0, `nothing was running\ndeleted ${other}\n`]);
    await expect(readdir(other)).rejects.toThrow();
  });

  it('channel fetch refuses a block that is not newest, oldest, config or a number, before contacting any peer', async () => {
    const bad = await run(['channel', 'fetch', 'latest', '--data-dir', dataDir]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^"latest" is not newest, oldest, config or a block number/);
    expect((await run(['channel', 'fetch', '--data-dir', dataDir])).code).toBe(2);
    expect((await run(['channel', 'fetch', '1', 'a.block', 'b.block', '--data-dir', dataDir])).code).toBe(2);
  });

  it('fails with a typed error on a data directory without a network', async () => {
    for (const words of [['status'], ['down'], ['logs'], ['chaincode', 'list'], ['meter', 'show', '--meter', 'SP-000001'], ['channel', 'getinfo'], ['channel', 'fetch', 'newest']]) {
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
    expect(result.out.match(/DOWN \(not running\)/g)).toHaveLength(8);
    const json = JSON.parse((await run(['status', '--data-dir', dataDir, '--json'])).out) as { members: { state: string; healthy: boolean }[] };
    expect(json.members.map((m) => [m.state, m.healthy])).toEqual(Array.from({ length: 8 }, () => ['down', false]));
  });

  it("status says 'not ours' for a member whose port another process answers, even as a healthy member of the same name", async () => {
    const manifest = await readManifest(dataDir);
    const peer = manifest.processes.find((p) => p.kind === 'peer')!;
    const port = Number(peer.operations.split(':')[1]);
    // Another network's peer0.inmetro: same name, MSP id and channel, its own certificate.
    const impostor = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.url === '/status'
        ? JSON.stringify({ name: peer.name, mspId: peer.mspId, channel: 'speedledger', certSha256: 'f'.repeat(64), height: 114, chaincodes: [{ name: 'lr-chaincode', running: true }] })
        : JSON.stringify({ status: 'OK' }));
    });
    await new Promise<void>((resolve) => impostor.listen(port, '127.0.0.1', resolve));
    try {
      const result = await run(['status', '--data-dir', dataDir]);
      expect(result.code).toBe(1);
      expect(result.out).toMatch(new RegExp(`${peer.name.replaceAll('.', '\\.')} .* NOT OURS \\(${peer.operations} is answered by another process: certificate ffffffffffff… is not this network's [0-9a-f]{12}…\\)`));
      expect(result.out).not.toMatch(/healthy|height 114/);
    } finally {
      await new Promise((resolve) => impostor.close(resolve));
    }
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
