import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chaincode, lifecycle, simulation } from '@speedledger/peer';
import { readsKey } from '../audit/endorser-transaction.js';
import { AnalyticsError } from '../errors/analytics-error.js';
import type { PackageExecutor } from '../audit/reexecution.js';

/** Options of {@link loadApprovedPackage}. */
export interface LoadPackageOptions {
  /** The chaincode name (state namespace) the package runs as; default `lr-chaincode`. */
  readonly chaincodeName?: string;
  /** Where the package is unpacked; default a fresh temporary directory removed on close. */
  readonly workDir?: string;
  /**
   * How the package's contracts are driven (see {@link ReexecutionMode}); default `direct`.
   */
  readonly reexec?: ReexecutionMode;
}

/**
 * `direct`: fabric-shim's own ChaincodeStub and contract dispatch, in process, without the
 * ChaincodeMessage protocol (fast); `shim`: fabric-shim's message handler over the protocol, as
 * a peer runs chaincode (the cross-check). Both run the supplied package's code.
 */
export type ReexecutionMode = 'direct' | 'shim';

/** The re-execution modes, for parsing `--reexec`. */
export const REEXECUTION_MODES: readonly ReexecutionMode[] = ['direct', 'shim'];

/**
 * Loads the chaincode package file the auditor supplies (the bytes a notified body approved):
 * unpacks it, checks its runtime dependencies, requires its contract module and runs it in
 * process through fabric-shim's own stub and contract dispatch (`direct`, default) or its message
 * protocol (`shim`, the code path a peer uses) — either way re-execution is of exactly those
 * bytes, never of this repository's sources.
 * PACKAGE_UNREADABLE when the file cannot be read, PACKAGE_INVALID when it is no node chaincode
 * package or its code does not load.
 */
export async function loadApprovedPackage(file: string, options: LoadPackageOptions = {}): Promise<PackageExecutor> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (cause) {
    throw new AnalyticsError('PACKAGE_UNREADABLE', `cannot read chaincode package ${file}`, { file }, cause);
  }
  const name = options.chaincodeName ?? 'lr-chaincode';
  const root = options.workDir ?? mkdtempSync(join(tmpdir(), 'speedledger-audit-pkg-'));
  const owned = options.workDir === undefined;
  let loaded: chaincode.LoadedChaincode;
  try {
    const installed = chaincode.installPackage(bytes, root);
    loaded = await chaincode.loadChaincode(installed.dir, { name, dispatch: (options.reexec ?? 'direct') === 'direct' ? 'direct' : 'protocol' });
  } catch (cause) {
    if (owned) rmSync(root, { recursive: true, force: true });
    throw new AnalyticsError('PACKAGE_INVALID', `${file} is not a loadable node chaincode package: ${(cause as Error).message}`, { file }, cause);
  }
  const { container, installed } = loaded;
  return {
    packageSha256: installed.sha256,
    label: installed.label,
    mode: options.reexec ?? 'direct',
    async execute(tx, state) {
      const simulator = simulation.createTxSimulator(tx.txId, state);
      // Peers read the chaincode's definition through the simulator, so that a transaction
      // endorsed under a definition replaced before it commits fails MVCC (as in Fabric). Replay
      // that read, at the state of the block, when the endorsers recorded it: the read sets then
      // compare byte for byte. Blocks endorsed before peers recorded it have none to replay.
      const definition = lifecycle.definitionKey(tx.chaincodeName);
      if (readsKey(tx.results, lifecycle.LIFECYCLE_NAMESPACE, definition)) await simulator.getState(lifecycle.LIFECYCLE_NAMESPACE, definition);
      const response = await container.execute({
        channelId: tx.channelId, txId: tx.txId, namespace: tx.chaincodeName, signedProposal: tx.signedProposal, args: tx.args, simulator, history: state,
      });
      if (response.status < 200 || response.status >= 400) return { ok: false, status: response.status, message: response.message };
      try {
        await simulator.settle();
        return { ok: true, results: simulator.results() };
      } catch (error) {
        return { ok: false, status: 500, message: `read/write set: ${(error as Error).message}` };
      }
    },
    close() {
      container.close();
      if (owned) rmSync(root, { recursive: true, force: true });
    },
  };
}
