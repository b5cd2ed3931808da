import '../../endorser/test-support/quiet-logs.js';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { generateOrganization } from '@speedledger/orderer-bft';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLrChaincodePackage } from '../../endorser/test-support/lr-chaincode-package.js';
import { buildPackage, buildTarGz } from '../../endorser/test-support/tar-builder.js';
import { buildSignedProposal } from '../../endorser/signed-proposal.js';
import { signingIdentityFromPem } from '../../msp/index.js';
import { createTxSimulator } from '../../simulation/create-tx-simulator.js';
import { MemoryWorldState } from '../../simulation/test-support/memory-world-state.js';
import type { ChaincodeContainer } from '../chaincode-container.js';
import { parseChaincodePackage } from '../chaincode-package.js';
import { satisfiesDeclaredVersion } from '../dependency-version.js';
import { runtimePackages } from '../shim-runtime.js';
import { installPackage } from './install-package.js';
import { loadChaincode } from './load-chaincode.js';
import { openPackageStore } from './package-store.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const text = (s: string) => Buffer.from(s);
const deps = () => Object.fromEntries(runtimePackages().map((p) => [p.name, p.version]));
const nodePackage = (index: string, dependencies: Record<string, string> = deps()) =>
  buildPackage({ type: 'node', label: 'test_1' }, [
    { name: 'src/index.js', data: text(index) },
    { name: 'src/package.json', data: text(JSON.stringify({ name: 't', main: 'index.js', dependencies })) },
  ]);

describe('chaincode packages: parse, install, load, store', () => {
  let real: Buffer;
  let buildDir: string;
  let work: string;

  beforeAll(() => {
    const built = buildLrChaincodePackage();
    real = built.bytes;
    buildDir = built.dir;
    work = mkdtempSync(join(tmpdir(), 'peer-packages-'));
  }, 120_000);

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    rmSync(buildDir, { recursive: true, force: true });
  });

  it('parses the real lr-chaincode package: node type, label, SHA-256 fingerprint, code files', () => {
    const pkg = parseChaincodePackage(real);
    expect(pkg.type).toBe('node');
    expect(pkg.label).toBe('lr-chaincode_0.1.0');
    expect(pkg.sha256).toBe(sha256(real));
    expect(pkg.packageId).toBe(`lr-chaincode_0.1.0:${sha256(real)}`);
    expect([...pkg.code.keys()].sort()).toEqual(['src/THIRD-PARTY-LICENSES.txt', 'src/index.js', 'src/package.json']);
  });

  it('runs the self-contained lr-chaincode on its own bundled shim, in both dispatch modes: no links, the fingerprint is the installed bundle', async () => {
    const root = join(work, 'self-contained');
    const installed = installPackage(real, root);
    const org = await generateOrganization({ mspId: 'CityOperatorMSP', domain: 'city.example.com', now: new Date(Date.now() - 86_400_000) });
    const enrolled = await org.enrol('user1.city.example.com', { ou: 'client' });
    const client = signingIdentityFromPem('CityOperatorMSP', enrolled.certPem, enrolled.privateKeyPem);
    const state = new MemoryWorldState();
    const containers: ChaincodeContainer[] = [];
    try {
      for (const dispatch of ['protocol', 'direct'] as const) {
        const { container } = await loadChaincode(installed.dir, { name: 'lr-chaincode', dispatch });
        containers.push(container);
        const args = ['LrIdentity:GetLrIdentity'];
        const built = buildSignedProposal({ signer: client, channelId: 'speedledger', chaincode: 'lr-chaincode', args, timestamp: new Date('2026-03-01T08:00:00Z') });
        const simulator = createTxSimulator(built.txId, state);
        const response = await container.execute({ channelId: 'speedledger', txId: built.txId, namespace: 'lr-chaincode', signedProposal: built.signed.serializeBinary(), args: args.map((a) => Buffer.from(a)), simulator, history: state });
        expect(response.status, `${dispatch}: ${response.message}`).toBe(200);
        // 'unbundled' would mean the contracts ran from somewhere else than the installed bundle.
        expect(JSON.parse(Buffer.from(response.payload).toString()).fingerprint, dispatch).toBe(sha256(readFileSync(join(installed.dir, 'src', 'index.js'))));
      }
      // Nothing linked in: the package needs no module of the peer's.
      expect(existsSync(join(installed.dir, 'src', 'node_modules'))).toBe(false);
    } finally {
      for (const c of containers) c.close();
    }
  }, 60_000);

  it('CHAINCODE_START_FAILED: a package without dependencies that requires a module from outside itself, or bundles no shim', async () => {
    // Installed inside the repository, where node_modules up the tree would resolve fabric-shim.
    const inRepo = mkdtempSync(join(dirname(fileURLToPath(import.meta.url)), '.isolation-test-'));
    try {
      const escapes = installPackage(nodePackage('require("fabric-shim"); module.exports = { contracts: [class {}] }', {}), inRepo);
      await expect(loadChaincode(escapes.dir, { name: 'x' })).rejects.toMatchObject({ code: 'CHAINCODE_START_FAILED', message: expect.stringContaining("Cannot find module 'fabric-shim'") });
      const peersShim = createRequire(import.meta.url).resolve('fabric-shim/package.json');
      const byPath = installPackage(nodePackage(`require(${JSON.stringify(peersShim)}); module.exports = { contracts: [class {}] }`, {}), inRepo);
      await expect(loadChaincode(byPath.dir, { name: 'x' })).rejects.toMatchObject({ code: 'CHAINCODE_START_FAILED', message: expect.stringContaining(`index.js requires ${peersShim}, which resolves outside the package`) });
      const noShim = installPackage(nodePackage('module.exports = { contracts: [class {}] }', {}), inRepo);
      await expect(loadChaincode(noShim.dir, { name: 'x' })).rejects.toMatchObject({ code: 'CHAINCODE_START_FAILED', message: expect.stringContaining('must bundle fabric-shim') });
      const builtins = installPackage(nodePackage('require("node:crypto"); require("fs"); require("./part.js"); module.exports = { contracts: [class {}], fabricShimRuntime: {} }', {}), inRepo);
      writeFileSync(join(builtins.dir, 'src', 'part.js'), 'module.exports = 1;');
      await expect(loadChaincode(builtins.dir, { name: 'x' })).rejects.toMatchObject({ code: 'CHAINCODE_START_FAILED', message: expect.stringContaining('fabricShimRuntime.ChaincodeMessageHandler is not a class') });
    } finally {
      rmSync(inRepo, { recursive: true, force: true });
    }
  });

  it('installs idempotently under root/<sha256> and starts a container for it', async () => {
    const root = join(work, 'installed');
    const first = installPackage(real, root);
    const again = installPackage(real, root);
    expect(again).toEqual(first);
    expect(first.dir).toBe(join(root, sha256(real)));
    expect(existsSync(join(first.dir, 'src', 'index.js'))).toBe(true);
    const loaded = await loadChaincode(first.dir, { name: 'lr-chaincode' });
    expect(loaded.installed.packageId).toBe(first.packageId);
    loaded.container.close();
  });

  it('PackageStore lists by label and SHA-256; a package with one changed byte fails the fingerprint lookup', () => {
    const dir = join(work, 'store');
    mkdirSync(dir, { recursive: true });
    const tampered = Buffer.from(real);
    tampered[tampered.length - 10]! ^= 0x01;
    writeFileSync(join(dir, 'tampered.tar.gz'), tampered);
    writeFileSync(join(dir, 'junk.tar.gz'), text('not a package'));
    writeFileSync(join(dir, 'notes.txt'), text('ignored'));
    const tamperedOnly = openPackageStore(dir);
    expect(tamperedOnly.findBySha256(sha256(real))).toBeUndefined();
    writeFileSync(join(dir, 'lr.tar.gz'), real);
    const store = openPackageStore(dir);
    const listing = store.list();
    expect(listing.packages.map((p) => p.sha256)).toContain(sha256(real));
    expect(listing.packages.map((p) => p.sha256)).not.toContain(sha256(tampered));
    expect(listing.rejected.map((r) => r.file)).toContain(join(dir, 'junk.tar.gz'));
    expect(store.findBySha256(sha256(real))?.info.file).toBe(join(dir, 'lr.tar.gz'));
    expect(Buffer.from(store.findBySha256(sha256(real))!.bytes).equals(real)).toBe(true);
    expect(store.findByLabel('lr-chaincode_0.1.0').map((p) => p.file)).toEqual([join(dir, 'lr.tar.gz')]);
    expect(store.findByLabel('other')).toEqual([]);
    expect(openPackageStore(join(work, 'absent')).list().packages).toEqual([]);
  });

  describe('refuses bad packages with typed errors', () => {
    const malformed = (bytes: Uint8Array) => expect(() => parseChaincodePackage(bytes)).toThrow(expect.objectContaining({ code: 'PACKAGE_MALFORMED' }));

    it('PACKAGE_MALFORMED: not gzip, missing parts, bad metadata', () => {
      malformed(text('plain text'));
      malformed(buildTarGz([{ name: 'metadata.json', data: text('{"type":"node","label":"x"}') }]));
      malformed(buildTarGz([{ name: 'metadata.json', data: text('{oops') }, { name: 'code.tar.gz', data: buildTarGz([]) }]));
      malformed(buildPackage({ type: 'node', label: 'bad label!' }, [{ name: 'src/package.json', data: text('{}') }]));
      malformed(buildPackage({ type: 'node', label: 'x' }, [{ name: 'src/index.js', data: text('') }]));
    });

    it('PACKAGE_MALFORMED: traversal, absolute paths, links, oversize, bad checksum, truncation, duplicates', () => {
      const file = (name: string) => buildPackage({ type: 'node', label: 'x' }, [{ name, data: text('x') }, { name: 'src/package.json', data: text('{}') }]);
      malformed(file('../evil.js'));
      malformed(file('src/../../evil.js'));
      malformed(file('/etc/evil'));
      malformed(buildPackage({ type: 'node', label: 'x' }, [{ name: 'src/link', type: '2', linkName: '/etc/passwd' }, { name: 'src/package.json', data: text('{}') }]));
      malformed(buildPackage({ type: 'node', label: 'x' }, [{ name: 'src/hard', type: '1', linkName: 'src/package.json' }, { name: 'src/package.json', data: text('{}') }]));
      expect(() => parseChaincodePackage(nodePackage('x'.repeat(5000)), { maxFileBytes: 4096, maxTotalBytes: 1 << 20, maxEntries: 10 })).toThrow(
        expect.objectContaining({ code: 'PACKAGE_MALFORMED' }),
      );
      const tar = gunzipSync(buildTarGz([{ name: 'metadata.json', data: text('{}') }]));
      tar[0] = 'n'.charCodeAt(0);
      malformed(gzipSync(tar));
      malformed(gzipSync(gunzipSync(buildTarGz([{ name: 'a', data: text('abc') }])).subarray(0, 512)));
      malformed(buildTarGz([{ name: 'metadata.json', data: text('{}') }, { name: 'metadata.json', data: text('{}') }]));
    });

    it('PACKAGE_UNSUPPORTED: a golang package', () => {
      expect(() => parseChaincodePackage(buildPackage({ type: 'golang', label: 'x' }, [{ name: 'src/package.json', data: text('{}') }]))).toThrow(
        expect.objectContaining({ code: 'PACKAGE_UNSUPPORTED' }),
      );
    });

    it('DEPENDENCY_MISMATCH: another fabric-shim version, or a dependency the peer does not provide', async () => {
      const root = join(work, 'deps');
      const other = installPackage(nodePackage('module.exports = {}', { ...deps(), 'fabric-shim': '2.4.1' }), root);
      await expect(loadChaincode(other.dir, { name: 'x' })).rejects.toMatchObject({ code: 'DEPENDENCY_MISMATCH' });
      const extra = installPackage(nodePackage('module.exports = {}', { ...deps(), lodash: '4.17.21' }), root);
      await expect(loadChaincode(extra.dir, { name: 'x' })).rejects.toMatchObject({ code: 'DEPENDENCY_MISMATCH' });
    });

    it('CHAINCODE_START_FAILED: a bundle that throws, or exports no contracts', async () => {
      const root = join(work, 'start');
      const throws = installPackage(nodePackage('throw new Error("boom")'), root);
      await expect(loadChaincode(throws.dir, { name: 'x' })).rejects.toMatchObject({ code: 'CHAINCODE_START_FAILED' });
      const empty = installPackage(nodePackage('module.exports = { contracts: [] }'), root);
      await expect(loadChaincode(empty.dir, { name: 'x' })).rejects.toMatchObject({ code: 'CHAINCODE_START_FAILED' });
    });
  });

  it('matches declared dependency versions: exact, caret, tilde; nothing else', () => {
    expect(satisfiesDeclaredVersion('2.5.8', '2.5.8')).toBe(true);
    expect(satisfiesDeclaredVersion('2.5.7', '2.5.8')).toBe(false);
    expect(satisfiesDeclaredVersion('^2.5.0', '2.5.8')).toBe(true);
    expect(satisfiesDeclaredVersion('^2.6.0', '2.5.8')).toBe(false);
    expect(satisfiesDeclaredVersion('^0.2.0', '0.2.2')).toBe(true);
    expect(satisfiesDeclaredVersion('^0.2.0', '0.3.7')).toBe(false);
    expect(satisfiesDeclaredVersion('~2.5.1', '2.5.8')).toBe(true);
    expect(satisfiesDeclaredVersion('~2.4.1', '2.5.8')).toBe(false);
    expect(satisfiesDeclaredVersion('*', '2.5.8')).toBe(false);
    expect(satisfiesDeclaredVersion('latest', '2.5.8')).toBe(false);
  });
});
