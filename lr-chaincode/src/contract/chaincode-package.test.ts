import '../test-support/quiet-logs.js';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaincodeHarness } from '../test-support/chaincode-harness.js';
import { expectOk, payloadJson, testIdentities } from '../test-support/test-network.js';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Inside the workspace so the unpacked bundle resolves fabric-* from the workspace node_modules.
const workDir = join(packageDir, 'build', `package-test-${process.pid}`);
const require = createRequire(import.meta.url);

/** Entries of a gzipped ustar archive (regular files only). */
function untar(gz: Buffer): Map<string, Buffer> {
  const tar = gunzipSync(gz);
  const files = new Map<string, Buffer>();
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString('ascii').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('ascii').replace(/\0.*$/s, '').trim(), 8);
    const mtime = parseInt(header.subarray(136, 148).toString('ascii').replace(/\0.*$/s, '').trim(), 8);
    expect(mtime, `${name} mtime`).toBe(0);
    files.set(name, tar.subarray(offset + 512, offset + 512 + size));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

function buildPackage(out: string): Buffer {
  execFileSync(process.execPath, [join(packageDir, 'scripts', 'package.mjs'), '--out', out], { stdio: 'pipe' });
  return readFileSync(join(out, 'lr-chaincode.tar.gz'));
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('the Fabric chaincode package', () => {
  let first: Buffer;
  let second: Buffer;
  let outer: Map<string, Buffer>;
  let code: Map<string, Buffer>;
  let mainPath: string;
  let outsideDir: string;

  beforeAll(() => {
    first = buildPackage(join(workDir, 'a'));
    // Built outside any package too: the bytes must not depend on where the build runs.
    outsideDir = mkdtempSync(join(tmpdir(), 'lr-package-'));
    second = buildPackage(outsideDir);
    outer = untar(first);
    code = untar(outer.get('code.tar.gz')!);
    const srcDir = join(workDir, 'unpacked', 'src');
    mkdirSync(srcDir, { recursive: true });
    for (const [name, bytes] of code) writeFileSync(join(workDir, 'unpacked', name), bytes);
    mainPath = join(srcDir, 'index.js');
  }, 120_000);

  afterAll(() => {
    rmSync(workDir, { recursive: true, force: true });
    rmSync(outsideDir, { recursive: true, force: true });
  });

  it('is reproducible: the same source gives the same bytes, wherever it is built', () => {
    expect(sha256(second)).toBe(sha256(first));
  });

  it('has the standard layout: metadata.json (type node) and code.tar.gz with src/package.json and the bundle', () => {
    expect([...outer.keys()]).toEqual(['code.tar.gz', 'metadata.json']);
    expect(JSON.parse(outer.get('metadata.json')!.toString())).toEqual({ type: 'node', label: 'lr-chaincode_0.1.0' });
    expect([...code.keys()]).toEqual(['src/index.js', 'src/package.json']);
    const pkg = JSON.parse(code.get('src/package.json')!.toString());
    expect(pkg.main).toBe('index.js');
    expect(pkg.scripts.start).toBe('fabric-chaincode-node start');
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@hyperledger/fabric-protos', 'fabric-contract-api', 'fabric-shim']);
    expect(pkg.overrides).toEqual({ 'class-transformer': '0.5.1' });
    const bundle = code.get('src/index.js')!.toString();
    expect(bundle).not.toMatch(/require\("@speedledger\//);
    expect(bundle).not.toMatch(/require\("\.\.?\//);
  });

  it('exports `contracts` from its main in a fresh CommonJS Node process', () => {
    const script = 'const m = require(process.argv[1]); process.stdout.write(JSON.stringify(m.contracts.map((C) => new C().getName())));';
    const out = execFileSync(process.execPath, ['-e', script, mainPath], { env: { ...process.env, CORE_CHAINCODE_LOGGING_LEVEL: 'CRITICAL' } }).toString();
    expect(JSON.parse(out)).toEqual(['SpeedMeasurement', 'MeterRegistry', 'Governance', 'SignatureService', 'LrIdentity']);
  });

  it('runs through the shim from the bundle and reports the bundle SHA-256 as its fingerprint', async () => {
    const bundled = require(mainPath) as { contracts: (new () => unknown)[] };
    const harness = await ChaincodeHarness.start({ contracts: bundled.contracts });
    const ids = await testIdentities();
    const identity = payloadJson<{ fingerprint: string; name: string }>(expectOk(await harness.evaluate(ids.cityOperator, 'LrIdentity:GetLrIdentity')));
    expect(identity.fingerprint).toBe(sha256(readFileSync(mainPath)));
    expect(identity.fingerprint).toBe(JSON.parse(readFileSync(join(workDir, 'a', 'lr-chaincode.package.json'), 'utf8')).bundleSha256);
    // Decorator metadata survived bundling: typed parameters dispatch.
    expectOk(await harness.submit(ids.inmetroRegistrar, 'Governance:Init', ['{"notifiedBodies":["InmetroMSP"],"registrationQuorum":1}']));
  });

  it('starts as chaincode-as-a-service and listens on the given address', async () => {
    const port = await new Promise<number>((done) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as { port: number }).port;
        probe.close(() => done(p));
      });
    });
    const cli = require.resolve('fabric-shim/cli.js');
    const child = spawn(process.execPath, [cli, 'server', '--chaincode-address', `127.0.0.1:${port}`, '--chaincode-id', 'lr-chaincode_0.1.0:test', '--module-path', dirname(mainPath)], {
      env: { ...process.env, CORE_CHAINCODE_LOGGING_LEVEL: 'CRITICAL' },
      stdio: 'ignore',
    });
    try {
      let listening = false;
      for (let attempt = 0; attempt < 100 && !listening && child.exitCode === null; attempt++) {
        listening = await new Promise<boolean>((done) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.destroy();
            done(true);
          }).on('error', () => setTimeout(() => done(false), 100));
        });
      }
      expect(child.exitCode).toBeNull();
      expect(listening).toBe(true);
    } finally {
      child.kill();
    }
  }, 30_000);
});
