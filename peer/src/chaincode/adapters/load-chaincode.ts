import { lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { ChaincodeContainer } from '../chaincode-container.js';
import { ChaincodeError } from '../chaincode-error.js';
import { satisfiesDeclaredVersion } from '../dependency-version.js';
import { startDirectContainer } from '../direct-container.js';
import { startInProcessContainer } from '../in-process-container.js';
import { BUNDLED_SHIM_EXPORT, bundledShimRuntime, runtimePackages, type ShimRuntime } from '../shim-runtime.js';
import { readInstalledPackage, type InstalledPackage } from './install-package.js';
import { requireIsolated } from './isolated-require.js';

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

// A self-contained bundle is compiled once per package: its classes and its shim are shared by
// every container of that package in this process, as the require cache shares a linked one's.
const selfContained = new Map<string, unknown>();

/**
 * Loads an installed node chaincode (see `installPackage`) and starts an in-process container
 * for it (CHAINCODE_START_FAILED when it does not load or exports no `contracts`): the protocol
 * container, or the direct one with `dispatch: 'direct'`. Two kinds of package:
 * - self-contained (no `dependencies`, as lr-chaincode's): what Fabric's builder would run
 *   after a no-op `npm install`. Its main is loaded isolated (Node built-ins and files of the
 *   package only; nothing from the peer's or the repository's node_modules), and the
 *   contracts run on the fabric-shim it bundles and exports as `fabricShimRuntime`;
 * - declaring fabric-shim, fabric-contract-api and fabric-protos: checked against the peer's
 *   copies (DEPENDENCY_MISMATCH), which are linked in as npm would install them.
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
  const isolated = Object.keys(declared).length === 0;
  if (!isolated) linkRuntimeDependencies(srcDir, declared as Record<string, unknown>, ids);
  const main = resolve(srcDir, typeof manifest.main === 'string' ? manifest.main : 'index.js');
  const inside = relative(srcDir, main);
  if (inside.startsWith('..') || inside.split(sep).includes('node_modules')) {
    throw new ChaincodeError('PACKAGE_MALFORMED', `main ${String(manifest.main)} is outside the package code`, ids);
  }
  let exported: { contracts?: unknown; [BUNDLED_SHIM_EXPORT]?: unknown };
  try {
    if (!lstatSync(main).isFile()) throw new Error(`${inside} is not a regular file`);
    if (isolated) {
      const key = `${installed.sha256}\u0000${main}`;
      if (!selfContained.has(key)) {
        // fabric-shim logs every transaction at INFO (see shimRuntime); Fabric's variable still wins.
        process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'WARNING';
        selfContained.set(key, requireIsolated(main, srcDir));
      }
      exported = selfContained.get(key) as typeof exported;
    } else {
      exported = createRequire(join(srcDir, 'package.json'))(main) as typeof exported;
    }
  } catch (cause) {
    throw new ChaincodeError('CHAINCODE_START_FAILED', `chaincode ${options.name}: ${inside} does not load: ${(cause as Error).message}`, ids, cause);
  }
  const contracts = exported?.contracts;
  if (!Array.isArray(contracts) || contracts.length === 0 || !contracts.every((c) => typeof c === 'function')) {
    throw new ChaincodeError('CHAINCODE_START_FAILED', `chaincode ${options.name}: ${inside} exports no contracts array`, ids);
  }
  let runtime: ShimRuntime | undefined;
  if (isolated) {
    try {
      runtime = bundledShimRuntime(exported[BUNDLED_SHIM_EXPORT]);
    } catch (cause) {
      throw new ChaincodeError('CHAINCODE_START_FAILED', `chaincode ${options.name} declares no dependencies, so it must bundle fabric-shim, but ${(cause as Error).message}`, ids, cause);
    }
  }
  const { dispatch, ...containerOptions } = options;
  const started = { ...containerOptions, contracts, ...(runtime !== undefined ? { runtime } : {}) };
  const container = dispatch === 'direct' ? startDirectContainer(started) : await startInProcessContainer(started);
  return { installed, container };
}
