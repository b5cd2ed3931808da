import '../test-support/quiet-logs.js';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePass } from '../core/test-support/loop-signal-generator.js';
import { LR_ALGORITHM_V1_1_0, LR_ALGORITHM_VERSION } from '../core/index.js';
import { ChaincodeProcess } from '../test-support/chaincode-process.js';
import { createTestMeter } from '../test-support/test-meter.js';
import { expectOk, payloadJson, testIdentities } from '../test-support/test-network.js';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every ancestor of `dir` (itself included) that holds a node_modules directory. */
function nodeModulesUpTheTree(dir: string): string[] {
  const found: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) found.push(join(d, 'node_modules'));
    if (dirname(d) === d) return found;
  }
}

/** The environment of a process that can resolve nothing but what its own directory holds. */
function isolatedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CORE_CHAINCODE_LOGGING_LEVEL: 'CRITICAL' };
  delete env.NODE_PATH;
  delete env.NODE_OPTIONS; // vitest's loader hooks must not follow the chaincode
  return env;
}

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

/** Writes the package's code into `runDir` (src/…), as a Fabric node builder unpacks it. */
function unpackInto(pkg: Buffer, runDir: string): void {
  mkdirSync(join(runDir, 'src'), { recursive: true });
  for (const [name, bytes] of untar(untar(pkg).get('code.tar.gz')!)) writeFileSync(join(runDir, name), bytes);
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('the Fabric chaincode package', () => {
  let first: Buffer;
  let second: Buffer;
  let outer: Map<string, Buffer>;
  let code: Map<string, Buffer>;
  let runDir: string;
  let srcDir: string;
  let mainPath: string;
  let outsideDir: string;
  const workDir = join(packageDir, 'build', `package-test-${process.pid}`);

  beforeAll(() => {
    first = buildPackage(join(workDir, 'a'));
    // Built outside any package too: the bytes must not depend on where the build runs.
    outsideDir = mkdtempSync(join(tmpdir(), 'lr-package-'));
    second = buildPackage(outsideDir);
    outer = untar(first);
    code = untar(outer.get('code.tar.gz')!);
    // Unpacked where no node_modules exists anywhere up the tree, as on a Fabric peer's builder.
    runDir = mkdtempSync(join(tmpdir(), 'lr-package-run-'));
    srcDir = join(runDir, 'src');
    mkdirSync(srcDir, { recursive: true });
    for (const [name, bytes] of code) writeFileSync(join(runDir, name), bytes);
    mainPath = join(srcDir, 'index.js');
  }, 180_000);

  afterAll(() => {
    rmSync(workDir, { recursive: true, force: true });
    rmSync(outsideDir, { recursive: true, force: true });
    rmSync(runDir, { recursive: true, force: true });
  });

  it('is reproducible: the same source gives the same bytes, wherever it is built', () => {
    expect(sha256(second)).toBe(sha256(first));
  });

  it('has the standard layout: metadata.json (type node) and code.tar.gz with src/package.json, the bundle and its licences', () => {
    expect([...outer.keys()]).toEqual(['code.tar.gz', 'metadata.json']);
    expect(JSON.parse(outer.get('metadata.json')!.toString())).toEqual({ type: 'node', label: 'lr-chaincode_0.1.0' });
    expect([...code.keys()]).toEqual(['src/THIRD-PARTY-LICENSES.txt', 'src/index.js', 'src/package.json']);
  });

  it('is self-contained: no dependencies for npm to fetch, the bundle starts the shim and requires only Node built-ins', () => {
    const pkg = JSON.parse(code.get('src/package.json')!.toString()) as Record<string, unknown> & { bundledPackages: string[] };
    expect(pkg.main).toBe('index.js');
    expect(pkg.scripts).toEqual({ start: 'node index.js start', server: 'node index.js server' });
    expect(pkg.dependencies).toEqual({});
    for (const field of ['devDependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'overrides']) expect(pkg[field], field).toBeUndefined();
    // The bundled runtime at the pinned versions, and the licence of each bundled package.
    for (const id of ['fabric-shim@2.5.8', 'fabric-contract-api@2.5.8', '@hyperledger/fabric-protos@0.2.2', 'class-transformer@0.5.1', '@grpc/grpc-js@1.14.7']) {
      expect(pkg.bundledPackages).toContain(id);
    }
    const licences = code.get('src/THIRD-PARTY-LICENSES.txt')!.toString();
    for (const id of pkg.bundledPackages) expect(licences, id).toContain(`\n${id}  (`);
    const bundle = code.get('src/index.js')!.toString();
    const builtins = new Set(builtinModules);
    const required = [...bundle.matchAll(/\brequire\((["'])([^"']+)\1\)/g)].map((m) => m[2]!);
    expect(required.length).toBeGreaterThan(0);
    expect(required.filter((r) => !builtins.has(r.replace(/^node:/, '')))).toEqual([]);
  });

  it('loads in a fresh Node process where no node_modules exists up the tree, and loads nothing from outside its directory', () => {
    expect(nodeModulesUpTheTree(srcDir)).toEqual([]);
    const script = [
      'const m = require("./index.js");',
      'const outside = Object.keys(require.cache).filter((f) => !f.startsWith(__dirname + "/"));',
      'process.stdout.write(JSON.stringify({ names: m.contracts.map((C) => new C().getName()), versions: m.fabricShimRuntime.versions, costGuards: m.fabricShimRuntime.costGuards, outside, dir: __dirname }));',
    ].join('\n');
    writeFileSync(join(srcDir, 'probe.js'), script);
    try {
      const out = JSON.parse(execFileSync(process.execPath, ['probe.js'], { cwd: srcDir, env: isolatedEnv() }).toString()) as { names: string[]; versions: unknown; costGuards: unknown; outside: string[] };
      expect(out.names).toEqual(['SpeedMeasurement', 'MeterRegistry', 'Governance', 'SignatureService', 'LrIdentity']);
      expect(out.versions).toEqual({ 'fabric-shim': '2.5.8', 'fabric-contract-api': '2.5.8', '@hyperledger/fabric-protos': '0.2.2' });
      expect(out.outside).toEqual([]);
      // The shim cost guards are applied to the bundled libraries (they travel with the package).
      expect(out.costGuards).toEqual(['skipDisabledLevels', 'memoiseCertificateParse']);
    } finally {
      rmSync(join(srcDir, 'probe.js'));
    }
  });

  for (const mode of ['start', 'server'] as const) {
    it(`runs as \`node index.js ${mode}\` from that directory and answers through its bundled shim over gRPC`, async () => {
      const ids = await testIdentities();
      const cc = await ChaincodeProcess.start(mode, 'index.js', srcDir, isolatedEnv());
      try {
        const identity = payloadJson<{ fingerprint: string; name: string; algorithmVersion: string }>(expectOk(await cc.evaluate(ids.cityOperator, 'LrIdentity:GetLrIdentity')));
        expect(identity.algorithmVersion).toBe(LR_ALGORITHM_VERSION);
        // The fingerprint is the SHA-256 of the whole bundle: the shim and its libraries included.
        expect(identity.fingerprint).toBe(sha256(readFileSync(mainPath)));
        expect(identity.fingerprint).toBe(JSON.parse(readFileSync(join(workDir, 'a', 'lr-chaincode.package.json'), 'utf8')).bundleSha256);
        // Decorator metadata survived bundling: typed parameters dispatch, the write commits.
        const init = await cc.submit(ids.inmetroRegistrar, 'Governance:Init', ['{"notifiedBodies":["InmetroMSP"],"registrationQuorum":1}']);
        expectOk(init);
        expect(init.commitError).toBeNull();
        const governance = payloadJson<{ notifiedBodies: string[] }>(expectOk(await cc.evaluate(ids.cityOperator, 'Governance:Get')));
        expect(governance.notifiedBodies).toEqual(['InmetroMSP']);
        expect(cc.child.exitCode).toBeNull();
      } finally {
        cc.close();
      }
    }, 60_000);
  }

  it('fails clearly when started without its required options', () => {
    let failure: { status: number | null; stderr: Buffer } | undefined;
    try {
      execFileSync(process.execPath, ['index.js', 'start'], { cwd: srcDir, env: isolatedEnv(), stdio: 'pipe' });
    } catch (error) {
      failure = error as { status: number | null; stderr: Buffer };
    }
    expect(failure?.status).not.toBe(0);
    expect(failure?.stderr.toString()).toMatch(/Missing required arguments?: peer\.address/);
  });
});

describe('the package built with --default-algorithm', () => {
  const script = join(packageDir, 'scripts', 'package.mjs');
  let outDir: string;
  let runDir: string;

  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'lr-package-algo-'));
    runDir = mkdtempSync(join(tmpdir(), 'lr-package-algo-run-'));
  });

  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
    rmSync(runDir, { recursive: true, force: true });
  });

  it('refuses an algorithm this chaincode cannot execute, naming the ones it can', () => {
    let failure: { status: number | null; stderr: Buffer } | undefined;
    try {
      execFileSync(process.execPath, [script, '--default-algorithm', 'dlr1-speed/9.9.9', '--out', join(outDir, 'bad.tar.gz')], { stdio: 'pipe' });
    } catch (error) {
      failure = error as { status: number | null; stderr: Buffer };
    }
    expect(failure?.status).toBe(2);
    expect(failure?.stderr.toString()).toContain('unknown --default-algorithm "dlr1-speed/9.9.9"');
    expect(existsSync(join(outDir, 'bad.tar.gz'))).toBe(false);
  });

  it('records new readings with that algorithm, is labelled by it and has its own fingerprint', async () => {
    const file = join(outDir, 'lr-chaincode-1.1.0.tar.gz');
    execFileSync(process.execPath, [script, '--default-algorithm', LR_ALGORITHM_V1_1_0, '--out', file], { stdio: 'pipe' });
    const pkg = readFileSync(file);
    const info = JSON.parse(readFileSync(join(outDir, 'lr-chaincode-1.1.0.package.json'), 'utf8')) as { label: string; packageSha256: string; defaultAlgorithm: string };
    expect(info).toMatchObject({ label: 'lr-chaincode_1.1.0', packageSha256: sha256(pkg), defaultAlgorithm: LR_ALGORITHM_V1_1_0 });
    expect(JSON.parse(untar(pkg).get('metadata.json')!.toString())).toEqual({ type: 'node', label: 'lr-chaincode_1.1.0' });
    unpackInto(pkg, runDir);

    const ids = await testIdentities();
    const cc = await ChaincodeProcess.start('start', 'index.js', join(runDir, 'src'), isolatedEnv());
    try {
      const identity = payloadJson<{ algorithmVersion: string; fingerprint: string }>(expectOk(await cc.evaluate(ids.cityOperator, 'LrIdentity:GetLrIdentity')));
      expect(identity).toMatchObject({ algorithmVersion: LR_ALGORITHM_V1_1_0, fingerprint: sha256(readFileSync(join(runDir, 'src', 'index.js'))) });
      const init = expectOk(await cc.submit(ids.inmetroRegistrar, 'Governance:Init', ['{"notifiedBodies":["InmetroMSP"],"registrationQuorum":1}']));
      expect(init.commitError).toBeNull();
      const meter = createTestMeter('SP-0700');
      const site = { spacingMm: 3600, loopLengthMm: 1800, sampleRateHz: 1000, speedLimitKmh: 60, location: 'Av. Paulista 1000' };
      expect((await cc.submit(ids.inmetroRegistrar, 'MeterRegistry:RegisterMeter', [meter.meterId, meter.publicKeyHex, JSON.stringify(site)])).commitError).toBeNull();
      const p = generatePass({ seed: 7, speedKmh: 50, cls: 'car' });
      const reading = meter.reading({ seq: 1n, t0Us: 1_772_366_400_000_000n, sampleRateHz: p.sampleRateHz, loopA: p.loopA, loopB: p.loopB });
      const submitted = await cc.submit(ids.cityOperator, 'SpeedMeasurement:SubmitReading', [reading]);
      expect(submitted.commitError).toBeNull();
      const record = payloadJson<{ verdict: string; lr: { algorithmVersion: string; fingerprint: string } }>(expectOk(submitted));
      expect(record.lr).toMatchObject({ algorithmVersion: LR_ALGORITHM_V1_1_0, fingerprint: identity.fingerprint });
    } finally {
      cc.close();
    }
    // The same sources without the flag: the newest algorithm, other bytes, another fingerprint.
    const plain = buildPackage(join(outDir, 'plain'));
    expect(sha256(plain)).not.toBe(info.packageSha256);
    expect(JSON.parse(untar(plain).get('metadata.json')!.toString()).label).toBe('lr-chaincode_0.1.0');
  }, 120_000);
});
