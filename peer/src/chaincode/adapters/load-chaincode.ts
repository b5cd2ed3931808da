import { lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { ChaincodeContainer } from '../chaincode-container.js';
import { ChaincodeError } from '../chaincode-error.js';
import { satisfiesDeclaredVersion } from '../dependency-version.js';
import { startDirectContainer } from '../direct-container.js';
import { startInProcessContainer } from '../in-process-container.js';
import { runtimePackages } from '../shim-runtime.js';
import { readInstalledPackage, type InstalledPackage } from './install-package.js';

/** Options of {@link loadChaincode}. */
export interface LoadChaincodeOptions {
  /** The chaincode name from its definition: the state namespace. */
  readonly name: string;
  readonly version?: string;
  readonly maxResultsPerBatch?: number;
  readonly executeTimeoutMs?: number;
  /**
   * How transactions reach the contracts: `protocol` (default) through fabric-shim's message
   * handler over the ChaincodeMessage protocol, as a peer runs chaincode; `direct` through
   * fabric-shim's stub and contract dispatch without the protocol (see `startDirectContainer`).
   */
  readonly dispatch?: 'protocol' | 'direct';
}

/** A started chaincode and the package it runs. */
export interface LoadedChaincode {
  readonly installed: InstalledPackage;
  readonly container: ChaincodeContainer;
}

function linkRuntimeDependencies(srcDir: string, declared: Record<string, unknown>, ids: Record<string, string>): void {
  const provided = new Map(runtimePackages().map((p) => [p.name, p]));
  const modules = join(srcDir, 'node_modules');
  rmSync(modules, { recursive: true, force: true });
  for (const [name, range] of Object.entries(declared)) {
    const have = provided.get(name);
    if (have === undefined) {
      throw new ChaincodeError('DEPENDENCY_MISMATCH', `dependency ${name} is not provided by this peer (it provides ${[...provided.keys()].join(', ')})`, { ...ids, dependency: name });
    }
    if (typeof range !== 'string' || !satisfiesDeclaredVersion(range, have.version)) {
      throw new ChaincodeError('DEPENDENCY_MISMATCH', `dependency ${name}@${String(range)} is not satisfied by the peer's ${have.version}`, { ...ids, dependency: name, provided: have.version });
    }
    // Symlinks resolve to the peer's own copies: one module instance, so decorator metadata
    // registered by the bundle is the metadata the peer's fabric-shim reads.
    const link = join(modules, ...name.split('/'));
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(have.root, link, 'dir');
  }
}

/**
 * Loads an installed node chaincode (see `installPackage`): checks its declared runtime
 * dependencies against the peer's fabric-shim, fabric-contract-api and fabric-protos
 * (DEPENDENCY_MISMATCH), links them, requires the bundle, takes its exported `contracts` and
 * starts an in-process container (CHAINCODE_START_FAILED otherwise): the protocol container, or
 * the direct one with `dispatch: 'direct'`.
 */
export async function loadChaincode(installedDir: string, options: LoadChaincodeOptions): Promise<LoadedChaincode> {
  const installed = readInstalledPackage(installedDir);
  const ids = { packageId: installed.packageId, chaincode: options.name };
  const srcDir = join(installedDir, 'src');
  let manifest: { main?: unknown; dependencies?: unknown };
  try {
    manifest = JSON.parse(readFileSync(join(srcDir, 'package.json'), 'utf8')) as typeof manifest;
  } catch (cause) {
    throw new ChaincodeError('PACKAGE_MALFORMED', 'src/package.json is missing or not JSON', ids, cause);
  }
  const declared = manifest.dependencies ?? {};
  if (typeof declared !== 'object' || declared === null || Array.isArray(declared)) {
    throw new ChaincodeError('PACKAGE_MALFORMED', 'src/package.json dependencies is not an object', ids);
  }
  linkRuntimeDependencies(srcDir, declared as Record<string, unknown>, ids);
  const main = resolve(srcDir, typeof manifest.main === 'string' ? manifest.main : 'index.js');
  const inside = relative(srcDir, main);
  if (inside.startsWith('..') || inside.split(sep).includes('node_modules')) {
    throw new ChaincodeError('PACKAGE_MALFORMED', `main ${String(manifest.main)} is outside the package code`, ids);
  }
  let contracts: unknown;
  try {
    if (!lstatSync(main).isFile()) throw new Error(`${inside} is not a regular file`);
    contracts = (createRequire(join(srcDir, 'package.json'))(main) as { contracts?: unknown }).contracts;
  } catch (cause) {
    throw new ChaincodeError('CHAINCODE_START_FAILED', `chaincode ${options.name}: ${inside} does not load: ${(cause as Error).message}`, ids, cause);
  }
  if (!Array.isArray(contracts) || contracts.length === 0 || !contracts.every((c) => typeof c === 'function')) {
    throw new ChaincodeError('CHAINCODE_START_FAILED', `chaincode ${options.name}: ${inside} exports no contracts array`, ids);
  }
  const { dispatch, ...containerOptions } = options;
  const container = dispatch === 'direct' ? startDirectContainer({ ...containerOptions, contracts }) : await startInProcessContainer({ ...containerOptions, contracts });
  return { installed, container };
}
