/*
 * One re-execution worker thread of `loadApprovedPackagePool`: loads the approved package in
 * this thread (its own fabric-shim, its own contract instances) and keeps its own replica of the
 * audit state, fed by the main thread with every applied transaction in ledger order.
 *
 * Messages are handled strictly in arrival order. A re-execution starts at once and may run
 * concurrently with the others of its block; an `apply` first waits for every re-execution
 * started before it, so each transaction runs over exactly the state the main thread had when
 * it sent it (the writes of its own block come after its re-execution message).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AuditState } from '../audit/audit-state.js';
import type { AppliedTransaction, PackageExecutor, Reexecution } from '../audit/reexecution.js';
import type { EndorserTransaction } from '../audit/endorser-transaction.js';
import { loadApprovedPackage, type ReexecutionMode } from './approved-package.js';

/** What the pool hands a worker at start. */
export interface ReexecutionWorkerData {
  readonly file: string;
  readonly chaincodeName: string;
  readonly reexec: ReexecutionMode;
}

/** Main thread → worker. */
export type ToReexecutionWorker =
  | { readonly kind: 'execute'; readonly id: number; readonly tx: EndorserTransaction }
  | { readonly kind: 'apply'; readonly tx: AppliedTransaction; readonly blockNum: number; readonly txNum: number }
  | { readonly kind: 'close' };

/** Worker → main thread. */
export type FromReexecutionWorker =
  | { readonly kind: 'ready'; readonly packageSha256: string; readonly label: string }
  | { readonly kind: 'load-failed'; readonly code: string; readonly message: string }
  | { readonly kind: 'done'; readonly id: number; readonly outcome: Reexecution }
  | { readonly kind: 'error'; readonly id: number; readonly message: string };

async function main(): Promise<void> {
  const port = parentPort!;
  const data = workerData as ReexecutionWorkerData;
  let executor: PackageExecutor;
  try {
    executor = await loadApprovedPackage(data.file, { chaincodeName: data.chaincodeName, reexec: data.reexec });
  } catch (error) {
    const e = error as Error & { code?: string };
    port.postMessage({ kind: 'load-failed', code: typeof e.code === 'string' ? e.code : 'PACKAGE_INVALID', message: e.message } satisfies FromReexecutionWorker);
    return;
  }
  const state = new AuditState();
  const running = new Set<Promise<void>>();
  let turn: Promise<void> = Promise.resolve();
  const handle = async (message: ToReexecutionWorker): Promise<void> => {
    if (message.kind === 'apply') {
      await Promise.all(running);
      state.apply(message.tx, message.blockNum, message.txNum);
      return;
    }
    if (message.kind === 'close') {
      await Promise.all(running);
      executor.close(); // removes the unpacked package
      port.close(); // nothing keeps the thread alive then: it exits
      return;
    }
    const job = executor.execute(message.tx, state).then(
      (outcome) => port.postMessage({ kind: 'done', id: message.id, outcome } satisfies FromReexecutionWorker),
      (error: unknown) => port.postMessage({ kind: 'error', id: message.id, message: (error as Error).message } satisfies FromReexecutionWorker),
    );
    const tracked = job.finally(() => running.delete(tracked));
    running.add(tracked);
  };
  port.on('message', (message: ToReexecutionWorker) => {
    turn = turn.then(() => handle(message));
  });
  port.postMessage({ kind: 'ready', packageSha256: executor.packageSha256, label: executor.label } satisfies FromReexecutionWorker);
}

await main();
