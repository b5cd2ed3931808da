import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AnalyticsError, type AnalyticsErrorCode } from '../errors/analytics-error.js';
import type { AppliedTransaction, PackageExecutor, Reexecution } from '../audit/reexecution.js';
import type { EndorserTransaction } from '../audit/endorser-transaction.js';
import type { LoadPackageOptions } from './approved-package.js';
import type { FromReexecutionWorker, ReexecutionWorkerData, ToReexecutionWorker } from './reexecution-worker.js';

/** Options of {@link loadApprovedPackagePool}. */
export interface PackagePoolOptions extends Omit<LoadPackageOptions, 'workDir'> {
  /** How many worker threads, each with its own copy of the package; ≥ 1. */
  readonly workers: number;
}

/**
 * The worker script beside this module. Run from TypeScript sources (the package's tests), it
 * is the built one in dist/: a worker thread runs plain JavaScript.
 */
function workerScript(): URL {
  const here = import.meta.url;
  const script = here.endsWith('.ts') ? new URL('../../dist/adapters/reexecution-worker.js', here) : new URL('./reexecution-worker.js', here);
  if (!existsSync(fileURLToPath(script))) throw new AnalyticsError('PACKAGE_INVALID', `the re-execution worker ${fileURLToPath(script)} is missing: build @speedledger/analytics`, {});
  return script;
}

/**
 * The transaction with its byte fields copied out. Decoded protobuf fields are views into the
 * whole block's buffer, and structured clone copies a view's entire buffer: without this every
 * message would carry the block (gigabytes over a ledger).
 */
function detached(tx: EndorserTransaction): EndorserTransaction {
  return { ...tx, args: tx.args.map((a) => a.slice()), signedProposal: tx.signedProposal.slice(), results: tx.results.slice() };
}

interface PendingJob {
  resolve(outcome: Reexecution): void;
  reject(error: Error): void;
}

function startWorker(script: URL, data: ReexecutionWorkerData, jobs: Map<number, PendingJob>): Promise<{ worker: Worker; packageSha256: string; label: string }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: data });
    let ready = false;
    worker.on('message', (message: FromReexecutionWorker) => {
      if (message.kind === 'ready') {
        ready = true;
        resolve({ worker, packageSha256: message.packageSha256, label: message.label });
      } else if (message.kind === 'load-failed') {
        reject(new AnalyticsError(message.code as AnalyticsErrorCode, message.message, { file: data.file }));
        void worker.terminate();
      } else {
        const job = jobs.get(message.id);
        jobs.delete(message.id);
        if (message.kind === 'done') job?.resolve(message.outcome);
        else job?.reject(new Error(`re-execution worker: ${message.message}`));
      }
    });
    worker.on('error', (error) => {
      if (!ready) reject(new AnalyticsError('PACKAGE_INVALID', `re-execution worker failed to start: ${error.message}`, { file: data.file }, error));
      for (const [id, job] of jobs) {
        jobs.delete(id);
        job.reject(new Error(`re-execution worker died: ${error.message}`));
      }
    });
  });
}

/**
 * The approved package run by `workers` worker threads: each loads the package file itself (see
 * `loadApprovedPackage`, same checks, same modes) and keeps a replica of the rebuilt state,
 * updated through {@link PackageExecutor.follow} with every transaction the auditor applies.
 * Transactions go to the workers in turn; each runs over exactly the state the auditor had when
 * it handed it over, so the outcomes — and the audit report — are those of one in-process
 * executor, while re-execution uses up to `workers` cores and overlaps the auditor's own work
 * (validation, signatures) on the next blocks. Errors as `loadApprovedPackage`.
 */
export async function loadApprovedPackagePool(file: string, options: PackagePoolOptions): Promise<PackageExecutor> {
  if (!Number.isInteger(options.workers) || options.workers < 1) throw new AnalyticsError('BAD_ARGUMENT', `workers must be a positive integer, not ${options.workers}`, {});
  const data: ReexecutionWorkerData = { file, chaincodeName: options.chaincodeName ?? 'lr-chaincode', reexec: options.reexec ?? 'direct' };
  const script = workerScript();
  const jobs = new Map<number, PendingJob>();
  const started = await Promise.allSettled(Array.from({ length: options.workers }, () => startWorker(script, data, jobs)));
  const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.worker] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw failed.reason;
  }
  const first = (started[0] as PromiseFulfilledResult<{ packageSha256: string; label: string }>).value;
  let nextId = 0;
  let nextWorker = 0;
  const post = (worker: Worker, message: ToReexecutionWorker): void => worker.postMessage(message);
  return {
    packageSha256: first.packageSha256,
    label: first.label,
    mode: data.reexec,
    execute(tx: EndorserTransaction): Promise<Reexecution> {
      const id = nextId++;
      const worker = workers[nextWorker]!;
      nextWorker = (nextWorker + 1) % workers.length;
      return new Promise<Reexecution>((resolve, reject) => {
        jobs.set(id, { resolve, reject });
        post(worker, { kind: 'execute', id, tx: detached(tx) });
      });
    },
    follow(tx: AppliedTransaction, blockNum: number, txNum: number): void {
      // Plain data only, byte fields copied out of the block's buffer (see detached).
      const applied: AppliedTransaction = {
        txId: tx.txId, timestamp: tx.timestamp,
        writes: tx.writes.map((ns) => ({
          namespace: ns.namespace,
          writes: ns.writes.map((w) => ({ key: w.key, value: w.value === null ? null : w.value.slice() })),
          metadataWrites: ns.metadataWrites.map((m) => ({ key: m.key, entries: new Map([...m.entries].map(([k, v]) => [k, v.slice()])) })),
        })),
      };
      for (const worker of workers) post(worker, { kind: 'apply', tx: applied, blockNum, txNum });
    },
    close(): void {
      for (const worker of workers) post(worker, { kind: 'close' });
    },
  };
}
