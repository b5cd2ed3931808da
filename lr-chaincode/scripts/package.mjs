#!/usr/bin/env node
// Builds the Fabric node chaincode package build/lr-chaincode.tar.gz, reproducibly and
// self-contained:
//   tsc (decorator metadata) → esbuild CJS bundle of the contracts AND fabric-shim,
//   fabric-contract-api, fabric-protos and all they load (scripts/chaincode-main.cjs is the entry)
//   → src/{index.js,package.json,THIRD-PARTY-LICENSES.txt} → code.tar.gz + metadata.json, tar
//   entries sorted, mtimes/uids fixed, gzip without mtime.
// src/package.json declares no dependencies: Fabric's node builder `npm install` fetches nothing,
// and the bundle's SHA-256 (the GetLrIdentity fingerprint) covers every line that executes.
// Usage: node scripts/package.mjs [--out DIR|FILE.tar.gz] [--default-algorithm dlr1-speed/X.Y.Z]
//   --out: a directory (default build/) gets lr-chaincode.tar.gz and lr-chaincode.package.json;
//     a FILE.tar.gz gets FILE.package.json beside it.
//   --default-algorithm: the algorithm new records are computed with (default the newest); the
//     package is labelled lr-chaincode_X.Y.Z and, its bytes differing, has its own fingerprint —
//     how the package a live network upgrades from (1.1.0) is rebuilt.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string' }, 'default-algorithm': { type: 'string' } }, strict: true });
const outArg = resolve(values.out ?? join(packageDir, 'build'));
const outFile = outArg.endsWith('.tar.gz') ? outArg : join(outArg, 'lr-chaincode.tar.gz');
const infoFile = outArg.endsWith('.tar.gz') ? `${outArg.slice(0, -'.tar.gz'.length)}.package.json` : join(outArg, 'lr-chaincode.package.json');
const defaultAlgorithm = values['default-algorithm'];
// Checked against the algorithm list in the sources before anything is built (the bundle checks again).
if (defaultAlgorithm !== undefined) {
  const source = readFileSync(join(packageDir, 'src', 'core', 'measure-speed.ts'), 'utf8');
  const known = [...source.matchAll(/export const LR_ALGORITHM_V\d+_\d+_\d+ = '([^']+)'/g)].map((m) => m[1]);
  if (!known.includes(defaultAlgorithm)) {
    process.stderr.write(`package.mjs: unknown --default-algorithm ${JSON.stringify(defaultAlgorithm)}; this chaincode executes ${known.join(', ')}\n`);
    process.exit(2);
  }
}
const workspacePackage = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));

// The Fabric runtime libraries bundled in, at exactly these versions (the repository's
// package-lock.json pins them and everything they load; a different install fails the build).
const BUNDLED_RUNTIME = {
  'fabric-contract-api': '2.5.8',
  'fabric-shim': '2.5.8',
  '@hyperledger/fabric-protos': '0.2.2',
  'class-transformer': '0.5.1', // fabric-contract-api's 0.4.x range breaks object returns
};
const requireHere = createRequire(join(packageDir, 'package.json'));
const shimRoot = dirname(requireHere.resolve('fabric-shim/package.json'));
// One copy of fabric-protos: the one fabric-shim loads (0.2.x; the peer's services use 0.3.x).
const protosRoot = dirname(createRequire(join(shimRoot, 'package.json')).resolve('@hyperledger/fabric-protos/package.json'));
const nodePaths = [join(packageDir, 'node_modules'), join(packageDir, '..', 'node_modules')];

function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/** One ustar entry: regular file, mode 0644, uid/gid 0, mtime 0. */
function tarEntry(name, data) {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name too long: ${name}`);
  const header = Buffer.alloc(512, 0);
  const field = (offset, length, text) => header.write(text, offset, length, 'ascii');
  const octal = (offset, length, value) => field(offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
  field(0, 100, name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, data.length);
  octal(136, 12, 0);
  header.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  field(265, 32, 'root');
  field(297, 32, 'root');
  let sum = 0;
  for (const b of header) sum += b;
  field(148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512, 0);
  return Buffer.concat([header, data, padding]);
}

/** A gzipped tar of `files` (name → bytes), entries in sorted order. */
function tarGz(files) {
  const names = Object.keys(files).sort();
  const tar = Buffer.concat([...names.map((n) => tarEntry(n, files[n])), Buffer.alloc(1024, 0)]);
  // Node's gzip header carries mtime 0 and a fixed OS byte: same input, same bytes.
  return gzipSync(tar, { level: 9 });
}

// The work dir sits at a fixed place beside node_modules, whatever --out says: esbuild names
// each bundled module by its path relative to the working dir (in comments and in the keys of
// its CommonJS wrappers), so that path must not move. One build at a time holds it.
const workDir = join(packageDir, 'build', 'package-work');
const lockFile = `${workDir}.lock`;
mkdirSync(dirname(workDir), { recursive: true });
function takeLock(waitMs = 300_000) {
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
    let alive = Number.isNaN(holder); // half-written by its holder: wait for it
    try {
      if (!alive) process.kill(holder, 0);
      alive = true;
    } catch {
      // the holder is gone: a stale lock
    }
    if (!alive) {
      rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() > until) throw new Error(`another package build (pid ${holder}) has held ${lockFile} for ${waitMs} ms`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200); // builds in parallel tests wait their turn
  }
}
takeLock();
process.on('exit', () => rmSync(lockFile, { force: true }));
rmSync(workDir, { recursive: true, force: true });
mkdirSync(workDir, { recursive: true });

// 1. tsc: esbuild does not emit decorator metadata, which fabric-contract-api needs.
const tscOut = join(workDir, 'tsc');
execFileSync(process.execPath, [join(packageDir, '..', 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(packageDir, 'tsconfig.build.json'), '--outDir', tscOut, '--declaration', 'false', '--declarationMap', 'false', '--sourceMap', 'false'], { stdio: 'inherit' });

// tsc emitted ES modules; say so wherever the work dir is, or esbuild would guess from the
// nearest package.json and change its CommonJS interop (`__toESM(..., 1)` or not) with --out.
writeFileSync(join(tscOut, 'package.json'), '{"type":"module"}\n');

// 2. esbuild: one CommonJS file holding everything that runs, the Fabric libraries included.
writeFileSync(join(tscOut, 'chaincode-main.cjs'), readFileSync(join(packageDir, 'scripts', 'chaincode-main.cjs')));
const built = buildSync({
  entryPoints: [join(tscOut, 'chaincode-main.cjs')],
  absWorkingDir: packageDir,
  // Fixed here rather than found by walking up from the work dir.
  tsconfigRaw: { compilerOptions: { alwaysStrict: true } },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  nodePaths,
  alias: { '@hyperledger/fabric-protos': protosRoot },
  metafile: true,
  define: { __LR_BUNDLED__: 'true', ...(defaultAlgorithm === undefined ? {} : { __LR_DEFAULT_ALGORITHM__: JSON.stringify(defaultAlgorithm) }) },
  keepNames: true,
  legalComments: 'none',
  charset: 'utf8',
  write: false,
  logLevel: 'warning',
});
const bundleBytes = Buffer.from(built.outputFiles[0].contents);

// 3. What went in: every npm package the bundle holds, its version checked against the pins
// above and its licence text collected (the licences of bundled code travel with it).
const bundled = new Map();
for (const input of Object.keys(built.metafile.inputs)) {
  const abs = resolve(packageDir, input);
  const parts = abs.split(sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) continue;
  const nameParts = parts[at + 1].startsWith('@') ? parts.slice(at + 1, at + 3) : parts.slice(at + 1, at + 2);
  const root = parts.slice(0, at + 1 + nameParts.length).join(sep);
  if (!bundled.has(root)) bundled.set(root, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')));
}
const licences = [];
const seen = new Set();
for (const [root, pkgJson] of [...bundled].sort(([, a], [, b]) => (a.name === b.name ? (a.version < b.version ? -1 : 1) : a.name < b.name ? -1 : 1))) {
  const id = `${pkgJson.name}@${pkgJson.version}`;
  if (seen.has(id)) throw new Error(`${id} is bundled from two places (${relative(packageDir, root)}): dedupe the install`);
  seen.add(id);
  const pinned = BUNDLED_RUNTIME[pkgJson.name];
  if (pinned !== undefined && pinned !== pkgJson.version) throw new Error(`bundled ${id}, but the package pins ${pkgJson.name}@${pinned}`);
  const licenceFile = readdirSync(root).filter((f) => /^(licen[cs]e|copying)/i.test(f)).sort()[0];
  const text = licenceFile === undefined ? `(no licence file; package.json says ${JSON.stringify(pkgJson.license ?? null)})\n` : readFileSync(join(root, licenceFile), 'utf8');
  licences.push(`${'='.repeat(78)}\n${id}  (${pkgJson.license ?? 'no licence field'})\n${'='.repeat(78)}\n${text.replace(/\r\n/g, '\n').trimEnd()}\n`);
}
for (const name of Object.keys(BUNDLED_RUNTIME)) {
  if (![...bundled.values()].some((p) => p.name === name)) throw new Error(`${name} is pinned but not in the bundle`);
}
const bundledPackages = [...seen].sort();
const thirdParty = Buffer.from(`Third-party code bundled into index.js (${bundledPackages.length} npm packages), with their licences.\n\n${licences.join('\n')}`);

const chaincodePackageJson = {
  name: 'lr-chaincode',
  version: workspacePackage.version,
  description: workspacePackage.description,
  license: workspacePackage.license,
  private: true,
  main: 'index.js',
  engines: { node: '>=18' },
  // index.js carries fabric-shim's CLI (see scripts/chaincode-main.cjs): nothing to install.
  scripts: { start: 'node index.js start', server: 'node index.js server' },
  dependencies: {},
  bundledPackages,
};

// Fabric's convention name_version; a package pinned to an algorithm is named by that algorithm.
const label = `lr-chaincode_${defaultAlgorithm === undefined ? workspacePackage.version : defaultAlgorithm.replace(/^.*\//, '')}`;
const code = tarGz({
  'src/index.js': bundleBytes,
  'src/package.json': Buffer.from(JSON.stringify(chaincodePackageJson, null, 2) + '\n'),
  'src/THIRD-PARTY-LICENSES.txt': thirdParty,
});
const metadata = Buffer.from(JSON.stringify({ type: 'node', label }));
const pkg = tarGz({ 'code.tar.gz': code, 'metadata.json': metadata });

mkdirSync(dirname(outFile), { recursive: true });
const packagePath = outFile;
writeFileSync(packagePath, pkg);
rmSync(workDir, { recursive: true, force: true });
const info = { label, packageSha256: sha256(pkg), packageBytes: pkg.length, bundleSha256: sha256(bundleBytes), bundleBytes: bundleBytes.length, bundledPackages: bundledPackages.length };
writeFileSync(infoFile, JSON.stringify(defaultAlgorithm === undefined ? info : { ...info, defaultAlgorithm }, null, 2) + '\n');
process.stdout.write(`${packagePath}\n  label            ${label}\n  package SHA-256  ${info.packageSha256}\n  bundle SHA-256   ${info.bundleSha256} (GetLrIdentity fingerprint)\n`);
