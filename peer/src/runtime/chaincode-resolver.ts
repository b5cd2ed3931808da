import { join } from 'node:path';
import { installPackage, loadChaincode, openPackageStore, type ChaincodeContainer, type StoredPackage } from '../chaincode/index.js';
import type { ChaincodeResolution } from '../endorser/index.js';
import type { StateReader } from '../ledger/world-state.js';
import { readDefinition, type ChaincodeDefinition } from '../lifecycle/index.js';

/** What this peer holds for a committed definition. */
export type PackageVerdict =
  | { readonly kind: 'found'; readonly package: StoredPackage }
  /** A package of this chaincode (by label) is installed, with another fingerprint: refused. */
  | { readonly kind: 'mismatch'; readonly package: StoredPackage }
  | { readonly kind: 'missing' };

/** Options of {@link createChaincodeResolver}. */
export interface ChaincodeResolverOptions {
  readonly state: StateReader;
  /** Where operators put package files (`*.tar.gz`). */
  readonly packagesDir: string;
  /** Where packages are unpacked to run. */
  readonly installRoot: string;
  /** Called on each refusal for a fingerprint mismatch (the runtime records it on the ledger once). */
  readonly onMismatch: (definition: ChaincodeDefinition, actual: StoredPackage) => void;
  /**
   * How the endorser calls the chaincode (default `direct`): through fabric-shim's own stub and
   * contract dispatch, each state request answered by the same `TransactionContext` that serves
   * the ChaincodeMessage protocol — same contract code, responses and read/write sets as
   * `protocol`, without encoding and queueing every request as a stream message (≈ 15–20 % of an
   * endorsing peer's CPU). The chaincode package is unchanged; on Fabric it runs in its own
   * process over the protocol.
   */
  readonly dispatch?: 'protocol' | 'direct';
}

/** True when a package label names this chaincode (`<name>` or `<name>_<version>`, Fabric's convention). */
export function labelNames(label: string, name: string): boolean {
  return label === name || label.startsWith(`${name}_`);
}

/**
 * The endorser's `resolveChaincode`: the committed definition of `name` from state, then the
 * installed package with exactly its SHA-256, started once per (definition, package). A package
 * of the same chaincode with another fingerprint is refused (CHAINCODE_FINGERPRINT_MISMATCH).
 */
export function createChaincodeResolver(options: ChaincodeResolverOptions): {
  resolve(name: string): Promise<ChaincodeResolution>;
  verdict(definition: ChaincodeDefinition): PackageVerdict;
  running(definition: ChaincodeDefinition): boolean;
} {
  const store = openPackageStore(options.packagesDir);
  const started = new Map<string, Promise<ChaincodeContainer>>();
  const ready = new Set<string>();
  const keyOf = (d: ChaincodeDefinition) => `${d.name}@${d.sequence}:${d.packageSha256}`;

  function verdict(definition: ChaincodeDefinition): PackageVerdict {
    const exact = store.findBySha256(definition.packageSha256);
    if (exact !== undefined) return { kind: 'found', package: exact.info };
    const same = store.list().packages.find((p) => labelNames(p.label, definition.name));
    return same === undefined ? { kind: 'missing' } : { kind: 'mismatch', package: same };
  }

  return {
    verdict,
    running: (definition) => ready.has(keyOf(definition)),
    async resolve(name) {
      let definition: ChaincodeDefinition | undefined;
      try {
        definition = await readDefinition(options.state, name);
      } catch (error) {
        return { refusal: { code: 'CHAINCODE_NOT_DEFINED', message: `[CHAINCODE_NOT_DEFINED] definition of ${name} is unreadable: ${(error as Error).message}` } };
      }
      if (definition === undefined) {
        return { refusal: { code: 'CHAINCODE_NOT_DEFINED', message: `[CHAINCODE_NOT_DEFINED] chaincode ${name} has no committed definition on this channel` } };
      }
      const key = keyOf(definition);
      let container = started.get(key);
      if (container === undefined) {
        const exact = store.findBySha256(definition.packageSha256);
        if (exact === undefined) {
          const found = verdict(definition);
          if (found.kind === 'mismatch') {
            options.onMismatch(definition, found.package);
            return {
              refusal: {
                code: 'CHAINCODE_FINGERPRINT_MISMATCH',
                message: `[CHAINCODE_FINGERPRINT_MISMATCH] installed package ${found.package.label} has SHA-256 ${found.package.sha256}, the committed definition of ${name} (sequence ${definition.sequence}) requires ${definition.packageSha256}`,
              },
            };
          }
          return { refusal: { code: 'CHAINCODE_NOT_INSTALLED', message: `[CHAINCODE_NOT_INSTALLED] no package with SHA-256 ${definition.packageSha256} for ${name} is installed on this peer` } };
        }
        const loading = (async () => {
          const installed = installPackage(exact.bytes, options.installRoot);
          return (await loadChaincode(installed.dir, { name, version: definition.version, dispatch: options.dispatch ?? 'direct' })).container;
        })();
        container = loading;
        started.set(key, loading);
        loading.then(() => ready.add(key), () => started.delete(key));
      }
      try {
        return { container: await container, version: definition.version, sequence: definition.sequence };
      } catch (error) {
        const e = error as Error & { code?: string };
        const code = e.code ?? 'CHAINCODE_EXECUTION_FAILED';
        return { refusal: { code, message: `[${code}] ${e.message}` } };
      }
    },
  };
}

/** Where the resolver unpacks packages under a peer's data directory. */
export const installRootOf = (dataDir: string): string => join(dataDir, 'chaincode-installs');
