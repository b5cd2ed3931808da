import { Queue, type ConnectionOptions } from 'bullmq';
import { inlineJobSpec, type InlineJobSpec } from './inline-job.js';

/** Name of the BullMQ queue of readings (one job per reading, job id = reading key). */
export const QUEUE_NAME = 'readings';

/** Data of one job: only the reading key; the bytes stay in the reading's record. */
export interface ReadingJobData {
  readonly key: string;
}

const JOB_NAME = 'reading';
const JOB_OPTS = { removeOnComplete: true, removeOnFail: false, attempts: 1_000_000, backoff: { type: 'ingest' } };

/**
 * Producer side of the reading queue. Job ids are reading keys, so adding a job that already
 * exists is a no-op: the API, the reconciler and `replay` may all add the same reading safely.
 * Attempts are counted by the workers (on the record), not by BullMQ, hence the huge limit.
 */
export class IngestQueue {
  readonly queue: Queue<ReadingJobData>;
  /** How the accept script writes a reading's job itself (the same job {@link enqueue} adds). */
  readonly inlineJob: InlineJobSpec;

  constructor(connection: ConnectionOptions, prefix = 'ingest:bull') {
    this.queue = new Queue<ReadingJobData>(QUEUE_NAME, { connection, prefix });
    this.inlineJob = inlineJobSpec(this.queue, JOB_NAME, JOB_OPTS);
  }

  /** Adds one job per reading key (idempotent per key). */
  async enqueue(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.queue.addBulk(keys.map((key) => ({ name: JOB_NAME, data: { key }, opts: { ...JOB_OPTS, jobId: key } })));
  }

  /** Jobs waiting, delayed or active (BullMQ's view; the store's open set is the authoritative backlog). */
  async depth(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized', 'waiting-children');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  /** True when a job for this key exists in any state. */
  async has(key: string): Promise<boolean> {
    return (await this.queue.getJob(key)) !== undefined;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
