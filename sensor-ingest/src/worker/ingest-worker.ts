import { randomUUID } from 'node:crypto';
import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import { MAX_BATCH, MAX_BATCH_BYTES } from '@speedledger/ledger-client';
import type { Logger } from 'pino';
import type { ReadingLedger } from '../ledger/reading-ledger.js';
import { QUEUE_NAME, type IngestQueue, type ReadingJobData } from '../queue/ingest-queue.js';
import type { ReadingStore } from '../store/reading-store.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { ReadingBatcher, RetryLater, type BatcherOptions } from './reading-batcher.js';

/** Options of {@link startIngestWorker}. */
export interface WorkerOptions extends Partial<Omit<BatcherOptions, 'owner'>> {
  readonly connection: ConnectionOptions;
  readonly bullPrefix?: string;
  readonly backoff?: BackoffPolicy;
  /** Uniform [0, 1) source for the backoff jitter (seeded in tests). */
  readonly random: () => number;
  /** How long a dead worker's jobs stay locked before another worker takes them (ms, default 30 s). */
  readonly lockDurationMs?: number;
  /** How often stalled jobs are looked for (ms, default 5 s). */
  readonly stalledIntervalMs?: number;
  /** How often open readings without a job get one again (ms, default 30 s). */
  readonly reconcileIntervalMs?: number;
  readonly now?: () => number;
}

/** A running worker. */
export interface IngestWorker {
  readonly worker: Worker<ReadingJobData>;
  readonly batcher: ReadingBatcher;
  /** Re-creates the job of every open reading that has none (or a failed one). Returns how many. */
  reconcile(): Promise<number>;
  /** Graceful shutdown: takes no new jobs, flushes waiting readings, waits for in-flight transactions. */
  close(): Promise<void>;
}

/**
 * Defaults: batches of 100 readings and at most ledger-client's `MAX_BATCH_BYTES` (1.5 MiB raw,
 * what one envelope carries under the embedded orderers' 3 MiB limit: a rush-hour batch of 100
 * slow-traffic readings is ≈ 0.9–1.4 MB raw), 200 ms max wait, 4 transactions in flight, 8 attempts.
 */
export const DEFAULT_BATCHER: Omit<BatcherOptions, 'owner'> = { maxBatch: MAX_BATCH, maxBatchBytes: MAX_BATCH_BYTES, maxWaitMs: 200, maxConcurrentBatches: 4, maxAttempts: 8, leaseMs: 130_000 };

/**
 * Starts a BullMQ worker on the reading queue whose jobs feed a {@link ReadingBatcher}. Retries
 * use BullMQ's delayed jobs with {@link backoffDelay}; attempts are counted on the reading's
 * record (BullMQ's own limit is effectively off), so a reading is parked, never failed.
 */
export async function startIngestWorker(store: ReadingStore, queue: IngestQueue, ledger: ReadingLedger, options: WorkerOptions, log: Logger): Promise<IngestWorker> {
  const { maxBatch, maxBatchBytes, maxWaitMs, maxConcurrentBatches, maxAttempts, leaseMs } = options;
  const batcherOptions: BatcherOptions = { ...DEFAULT_BATCHER, ...stripUndefined({ maxBatch, maxBatchBytes, maxWaitMs, maxConcurrentBatches, maxAttempts, leaseMs }), owner: `worker-${randomUUID()}` };
  const batcher = new ReadingBatcher(store, ledger, batcherOptions, log, options.now ?? Date.now);
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  const worker = new Worker<ReadingJobData>(QUEUE_NAME, async (job: Job<ReadingJobData>) => batcher.process(job.data.key), {
    connection: options.connection,
    prefix: options.bullPrefix ?? 'ingest:bull',
    concurrency: batcherOptions.maxBatch * (batcherOptions.maxConcurrentBatches + 1),
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 5_000,
    maxStalledCount: 1_000_000,
    settings: {
      backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) => {
        // A meter leased by another worker frees within one transaction: come back soon.
        if (error instanceof RetryLater && error.reason === 'METER_BUSY') return batcherOptions.maxWaitMs + Math.round(options.random() * batcherOptions.maxWaitMs);
        return backoffDelay(attemptsMade, policy, options.random());
      },
    },
  });
  worker.on('error', (error) => log.warn({ err: error }, 'worker connection error'));

  async function reconcile(): Promise<number> {
    let added = 0;
    for await (const key of store.openKeys()) {
      const job = await queue.queue.getJob(key);
      if (job === undefined) {
        await queue.enqueue([key]);
        added += 1;
      } else if ((await job.getState()) === 'failed') {
        await job.retry('failed');
        added += 1;
      }
    }
    if (added > 0) log.info({ added }, 'reconciler re-created jobs of open readings');
    return added;
  }

  await reconcile().catch((error: unknown) => log.warn({ err: error }, 'initial reconcile failed'));
  const timer = setInterval(() => void reconcile().catch((error: unknown) => log.warn({ err: error }, 'reconcile failed')), options.reconcileIntervalMs ?? 30_000);
  timer.unref();

  return {
    worker, batcher, reconcile,
    async close() {
      clearInterval(timer);
      const closing = worker.close();
      batcher.drain();
      await closing;
      await batcher.idle();
    },
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
