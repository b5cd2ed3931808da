#!/usr/bin/env node
// Builds the Fabric node chaincode package build/lr-chaincode.tar.gz, reproducibly:
//   tsc (decorator metadata) → esbuild CJS bundle of the contracts → src/{index.js,package.json}
//   → code.tar.gz + metadata.json, tar entries sorted, mtimes/uids fixed, gzip without mtime.
// Usage: node scripts/package.mjs [--out DIR]   (DIR defaults to build/)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string' } }, strict: true });
const outDir = resolve(values.out ?? join(packageDir, 'build'));
const workspacePackage = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));

// Runtime dependencies the bundle leaves to npm on the peer (Fabric's node builder runs npm install).
const RUNTIME_DEPENDENCIES = {
  'fabric-contract-api': '2.5.8',
  'fabric-shim': '2.5.8',
  '@hyperledger/fabric-protos': '0.2.2',
};

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

const workDir = join(outDir, 'work');
rmSync(workDir, { recursive: true, force: true });
mkdirSync(workDir, { recursive: true });

// 1. tsc: esbuild does not emit decorator metadata, which fabric-contract-api needs.
const tscOut = join(workDir, 'tsc');
execFileSync(process.execPath, [join(packageDir, '..', 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(packageDir, 'tsconfig.build.json'), '--outDir', tscOut, '--declaration', 'false', '--declarationMap', 'false', '--sourceMap', 'false'], { stdio: 'inherit' });

// tsc emitted ES modules; say so wherever the work dir is, or esbuild would guess from the
// nearest package.json and change its CommonJS interop (`__toESM(..., 1)` or not) with --out.
writeFileSync(join(tscOut, 'package.json'), '{"type":"module"}\n');

// 2. esbuild: one CommonJS file; the core and every workspace module inside, Fabric libraries outside.
const bundle = buildSync({
  entryPoints: [join(tscOut, 'contract', 'index.js')],
  absWorkingDir: tscOut,
  // Fixed here rather than found by walking up from the work dir (which moves with --out).
  tsconfigRaw: { compilerOptions: { alwaysStrict: true } },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: Object.keys(RUNTIME_DEPENDENCIES),
  define: { __LR_BUNDLED__: 'true' },
  keepNames: true,
  legalComments: 'none',
  charset: 'utf8',
  write: false,
  logLevel: 'warning',
}).outputFiles[0].contents;
const bundleBytes = Buffer.from(bundle);

const chaincodePackageJson = {
  name: 'lr-chaincode',
  version: workspacePackage.version,
  description: workspacePackage.description,
  license: workspacePackage.license,
  private: true,
  main: 'index.js',
  engines: { node: '>=18' },
  scripts: { start: 'fabric-chaincode-node start', server: 'fabric-chaincode-node server' },
  dependencies: RUNTIME_DEPENDENCIES,
  // class-transformer 0.4.x (fabric-contract-api's range) breaks object returns; keep 0.5.1.
  overrides: { 'class-transformer': '0.5.1' },
};

const label = `lr-chaincode_${workspacePackage.version}`;
const code = tarGz({
  'src/index.js': bundleBytes,
  'src/package.json': Buffer.from(JSON.stringify(chaincodePackageJson, null, 2) + '\n'),
});
const metadata = Buffer.from(JSON.stringify({ type: 'node', label }));
const pkg = tarGz({ 'code.tar.gz': code, 'metadata.json': metadata });

mkdirSync(outDir, { recursive: true });
const packagePath = join(outDir, 'lr-chaincode.tar.gz');
writeFileSync(packagePath, pkg);
rmSync(workDir, { recursive: true, force: true });
const info = { label, packageSha256: sha256(pkg), bundleSha256: sha256(bundleBytes), bundleBytes: bundleBytes.length };
writeFileSync(join(outDir, 'lr-chaincode.package.json'), JSON.stringify(info, null, 2) + '\n');
process.stdout.write(`${packagePath}\n  label            ${label}\n  package SHA-256  ${info.packageSha256}\n  bundle SHA-256   ${info.bundleSha256} (GetLrIdentity fingerprint)\n`);
