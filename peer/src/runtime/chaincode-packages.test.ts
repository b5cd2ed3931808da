import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createPackageStore, labelNames, packageLabel, untar } from './chaincode-packages.js';

function tar(files: Record<string, string>): Uint8Array {
  const blocks: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const header = Buffer.alloc(512);
    header.write(name, 0);
    header.write(`${Buffer.byteLength(content).toString(8).padStart(11, '0')}\0`, 124);
    header.write('0', 156);
    const data = Buffer.from(content);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return new Uint8Array(Buffer.concat(blocks));
}

const fabricPackage = (label: string, code: string) => new Uint8Array(gzipSync(tar({ 'metadata.json': JSON.stringify({ type: 'node', label }), 'code.tar.gz': code })));
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const definition = (packageSha256: string) => ({ name: 'lr-chaincode', version: '1', sequence: 1, packageSha256, endorsementPolicy: 'x', applicationPolicy: new Uint8Array() });

describe('chaincode packages', () => {
  it('reads tar entries and the package label; garbage has no label', () => {
    expect([...untar(tar({ a: 'x'.repeat(600), b: 'y' })).entries()].map(([n, v]) => [n, v.byteLength])).toEqual([['a', 600], ['b', 1]]);
    expect(packageLabel(fabricPackage('lr-chaincode_0.1.0', 'code'))).toBe('lr-chaincode_0.1.0');
    expect(packageLabel(new Uint8Array([1, 2, 3]))).toBe('');
    expect(labelNames('lr-chaincode_0.1.0', 'lr-chaincode')).toBe(true);
    expect(labelNames('lr-chaincode-evil_1', 'lr-chaincode')).toBe(false);
  });

  it('resolves by fingerprint, reports a same-label package with another fingerprint as a mismatch', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'packages-'));
    const genuine = fabricPackage('lr-chaincode_0.1.0', 'genuine');
    const tampered = fabricPackage('lr-chaincode_0.1.0', 'tampered');
    const store = createPackageStore(dir);
    expect(await store.resolve(definition(sha(genuine)))).toEqual({ kind: 'missing' });
    await writeFile(join(dir, 'lr-chaincode.tar.gz'), tampered);
    expect(await store.resolve(definition(sha(genuine)))).toMatchObject({ kind: 'mismatch', package: { sha256: sha(tampered) } });
    await writeFile(join(dir, 'other.tar.gz'), genuine);
    expect(await store.resolve(definition(sha(genuine)))).toMatchObject({ kind: 'found', package: { sha256: sha(genuine), label: 'lr-chaincode_0.1.0' } });
    expect(await createPackageStore(join(dir, 'absent')).list()).toEqual([]);
  });
});
