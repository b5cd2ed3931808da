import { LedgerError, MAX_BATCH, splitIntoBatches, type BatchItemResult } from '@speedledger/ledger-client';
import type { MeasurementRecord } from '@speedledger/lr-chaincode/contract';
import type { Logger } from 'pino';
import type { ReadingLedger } from '../ledger/reading-ledger.js';
import { parseReadingKey } from '../reading/reading-identity.js';
import type { ReadingStatus } from '../store/reading-status.js';
import type { Finish, ReadingStore } from '../store/reading-store.js';
import { selectBatch } from './batch-selection.js';
import { classifyFailure } from './failure-class.js';

/** Tuning of the batcher. */
export interface BatcherOptions {
  /** Most readings per SubmitReadings (≤ ledger-client's MAX_BATCH). */
  readonly maxBatch: number;
  /** Most raw reading bytes per SubmitReadings (they travel base64-encoded under the orderer's envelope limit). */
  readonly maxBatchBytes: number;
  /** Longest a reading waits for its batch to fill (ms). */
  readonly maxWaitMs: number;
  /** Transactions in flight at once from this process. */
  readonly maxConcurrentBatches: number;
  /** Attempts before a reading is parked. */
  readonly maxAttempts: number;
  /** Per-meter lease lifetime (ms): longer than a submit can take, so a dead worker's lease expires. */
  readonly leaseMs: number;
  /** This process's lease owner token. */
  readonly owner: string;
}

/** A transient failure: the job is retried by BullMQ after its backoff. */
export class RetryLater extends Error {
  constructor(readonly reason: string, readonly key: string) {
    super(`${key}: ${reason}, retrying`);
    this.name = 'RetryLater';
  }
}

interface Entry {
  readonly key: string;
  readonly meterId: string;
  readonly seq: string;
  resolve(): void;
  reject(error: Error): void;
}

interface Loaded extends Entry {
  readonly raw: Buffer;
  readonly status: ReadingStatus;
}

function isNotFound(error: unknown): boolean {
  return error instanceof LedgerError && error.code === 'CONTRACT_REJECTED' && error.contractCode === 'NOT_FOUND';
}

function committedFinish(record: MeasurementRecord, transactionId: string, blockNumber: bigint | undefined, already: boolean): Finish {
  return {
    status: 'committed', counter: 'committed',
    fields: {
      transactionId, ...(blockNumber === undefined ? {} : { blockNumber: blockNumber.toString() }),
      verdict: record.verdict, speedCentiKmh: record.speedCentiKmh ?? '', reason: record.reason ?? '', alreadyCommitted: already ? '1' : '0',
    },
  };
}

function conflictFinish(record: MeasurementRecord): Finish {
  return {
    status: 'refused', counter: 'refused:CONFLICTING_RECORD',
    fields: { code: 'CONFLICTING_RECORD', detail: `the ledger holds ${record.meterId} seq ${record.seq} with rawSha256 ${record.rawSha256} (tx ${record.txId})`, transactionId: record.txId },
  };
}

/**
 * Groups the readings handed to it by BullMQ jobs into SubmitReadings transactions and settles
 * each reading: committed (after checking the ledger record's rawSha256), refused with the
 * chaincode's code, retried (the job's promise rejects with {@link RetryLater}) or parked.
 * A reading found `submitted` (an earlier attempt's outcome unknown: a killed worker, a timeout)
 * is looked up on the ledger before it is sent again; a resend is safe anyway because the
 * chaincode refuses a second record under the same (meterId, seq) and the refusal is resolved
 * by the same lookup.
 */
export class ReadingBatcher {
  #waiting: Entry[] = [];
  readonly #busy = new Set<string>();
  #inFlight = 0;
  #timer: NodeJS.Timeout | undefined;
  #draining = false;
  readonly #running = new Set<Promise<void>>();

  constructor(
    private readonly store: ReadingStore,
    private readonly ledger: ReadingLedger,
    private readonly options: BatcherOptions,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Settles one reading; resolves when terminal, rejects with RetryLater for a retry. */
  process(key: string): Promise<void> {
    const { meterId, seq } = parseReadingKey(key);
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ key, meterId, seq, resolve, reject });
      this.#schedule();
    });
  }

  /** Flushes whatever waits without waiting for batches to fill (graceful shutdown). */
  drain(): void {
    this.#draining = true;
    this.#schedule();
  }

  /** Resolves when no transaction is in flight. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  #schedule(): void {
    while (this.#inFlight < this.options.maxConcurrentBatches && this.#ready()) this.#startBatch();
    if (this.#waiting.length > 0 && this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        if (this.#inFlight < this.options.maxConcurrentBatches && this.#waiting.some((e) => !this.#busy.has(e.meterId))) this.#startBatch();
        this.#schedule();
      }, this.options.maxWaitMs);
    }
  }

  #ready(): boolean {
    const free = this.#waiting.filter((e) => !this.#busy.has(e.meterId)).length;
    return free >= this.options.maxBatch || (this.#draining && free > 0);
  }

  #startBatch(): void {
    const { chosen, rest } = selectBatch(this.#waiting, this.#busy, this.options.maxBatch);
    if (chosen.length === 0) return;
    this.#waiting = rest;
    const meters = [...new Set(chosen.map((e) => e.meterId))];
    for (const m of meters) this.#busy.add(m);
    this.#inFlight += 1;
    const run = this.#leaseAndRun(chosen, meters).finally(() => {
      for (const m of meters) this.#busy.delete(m);
      this.#inFlight -= 1;
      this.#running.delete(run);
      this.#schedule();
    });
    this.#running.add(run);
  }

  async #leaseAndRun(entries: Entry[], meters: string[]): Promise<void> {
    let leased: Set<string>;
    try {
      leased = await this.store.lease(meters, this.options.owner, this.options.leaseMs);
    } catch (error) {
      for (const e of entries) e.reject(new RetryLater(`REDIS: ${(error as Error).message}`, e.key));
      return;
    }
    // A meter leased by another worker process stays out of this transaction and is retried.
    const mine = entries.filter((e) => leased.has(e.meterId));
    for (const e of entries) if (!leased.has(e.meterId)) e.reject(new RetryLater('METER_BUSY', e.key));
    try {
      await this.#run(mine);
    } catch (error) {
      this.log.error({ err: error }, 'batch failed unexpectedly');
      for (const e of mine) e.reject(new RetryLater(`UNEXPECTED: ${(error as Error).message}`, e.key));
    } finally {
      await this.store.release([...leased], this.options.owner).catch(() => undefined);
    }
  }

  async #run(entries: Entry[]): Promise<void> {
    const toSend: Loaded[] = [];
    for (const entry of entries) {
      const loaded = await this.store.load(entry.key);
      if (loaded === undefined || ['committed', 'refused', 'parked'].includes(loaded.status.status)) {
        entry.resolve();
        continue;
      }
      const item: Loaded = { ...entry, raw: loaded.raw, status: loaded.status };
      if (loaded.status.status === 'submitted') {
        // An earlier attempt was sent and its outcome never recorded: ask the ledger first.
        if (await this.#settleByLookup(item, 'RESUMED')) continue;
      }
      toSend.push(item);
    }
    // One after another: the meters stay leased to this batch, so none is in two transactions at once.
    // Split by bytes too: the orderers refuse an envelope above their size limit, and
    // SubmitReadings carries the readings base64-encoded.
    for (const chunk of splitIntoBatches(toSend, MAX_BATCH, this.options.maxBatchBytes, (item) => item.raw.length)) await this.#submit(chunk);
  }

  async #submit(items: Loaded[]): Promise<void> {
    const attempts = new Map<string, number>();
    for (const item of items) attempts.set(item.key, await this.store.progress(item.key, 'submitted', this.now(), '', true));
    let answer;
    try {
      answer = await this.ledger.submitReadings(items.map((i) => i.raw));
    } catch (error) {
      const failure = classifyFailure(error);
      this.log.warn({ err: error, cause: failure.cause, kind: failure.kind, readings: items.length, transactionId: (error as LedgerError).transactionId }, 'submit failed');
      if (failure.kind === 'transient') {
        for (const item of items) await this.#retry(item, failure.cause, attempts.get(item.key)!);
      } else if (failure.kind === 'unknown') {
        for (const item of items) {
          if (!(await this.#settleByLookup(item, failure.cause))) await this.#retry(item, failure.cause, attempts.get(item.key)!, true);
        }
      } else if (failure.kind === 'too-large') {
        if (items.length > 1) {
          const half = Math.ceil(items.length / 2);
          await this.#submit(items.slice(0, half));
          await this.#submit(items.slice(half));
        } else {
          await this.#finish(items[0]!, { status: 'parked', counter: 'parked:TOO_LARGE', fields: { cause: 'TOO_LARGE' } });
        }
      } else if (failure.kind === 'rejected') {
        if (items.length > 1) {
          for (const item of items) await this.#submit([item]);
        } else {
          await this.#finish(items[0]!, { status: 'refused', counter: `refused:${failure.code}`, fields: { code: failure.code, detail: failure.detail } });
        }
      } else {
        for (const item of items) await this.#finish(item, { status: 'parked', counter: `parked:${failure.cause}`, fields: { cause: failure.cause } });
      }
      return;
    }
    for (const result of answer.results) {
      const item = items[result.index];
      if (item === undefined) continue;
      await this.#settleItem(item, result, answer.transactionId, answer.blockNumber, attempts.get(item.key)!);
    }
  }

  async #settleItem(item: Loaded, result: BatchItemResult, transactionId: string, blockNumber: bigint, attempts: number): Promise<void> {
    if (result.status === 'recorded') {
      await this.#finish(item, result.record.rawSha256 === item.status.rawSha256 ? committedFinish(result.record, transactionId, blockNumber, false) : conflictFinish(result.record));
      return;
    }
    if (result.code === 'REPLAYED_SEQ') {
      // "Already on the ledger": committed only if the ledger's record is of these very bytes.
      if (!(await this.#settleByLookup(item, 'REPLAYED_SEQ'))) await this.#retry(item, 'REPLAYED_SEQ_NOT_FOUND', attempts);
      return;
    }
    await this.#finish(item, { status: 'refused', counter: `refused:${result.code}`, fields: { code: result.code, detail: result.detail, transactionId } });
  }

  /** Looks the reading up; settles it and returns true when the ledger holds a record of it. */
  async #settleByLookup(item: Loaded, why: string): Promise<boolean> {
    let record: MeasurementRecord;
    try {
      record = await this.ledger.getMeasurement(item.meterId, item.seq);
    } catch (error) {
      if (isNotFound(error)) return false;
      // Cannot tell: never resend blind; retry the lookup later.
      await this.#retry(item, `LOOKUP_FAILED_${why}`, item.status.attempts, true, false);
      return true;
    }
    this.log.info({ meterId: item.meterId, seq: item.seq, transactionId: record.txId, why }, 'outcome resolved by lookup');
    await this.#finish(item, record.rawSha256 === item.status.rawSha256 ? committedFinish(record, record.txId, undefined, true) : conflictFinish(record));
    return true;
  }

  /**
   * Retries later, or parks after the last attempt. `uncertain`: the reading may still commit
   * from an earlier send, so it stays `submitted` and the next attempt looks it up first.
   */
  async #retry(item: Loaded, cause: string, attempts: number, uncertain = false, countAttempt = true): Promise<void> {
    if (countAttempt && attempts >= this.options.maxAttempts) {
      await this.#finish(item, { status: 'parked', counter: `parked:${cause}`, fields: { cause } });
      return;
    }
    await this.store.progress(item.key, uncertain ? 'submitted' : 'queued', this.now(), cause);
    await this.store.count(`retries:${cause}`);
    item.reject(new RetryLater(cause, item.key));
  }

  async #finish(item: Loaded, finish: Finish): Promise<void> {
    await this.store.finish(item.key, finish, this.now());
    if (finish.status !== 'committed') this.log.info({ meterId: item.meterId, seq: item.seq, status: finish.status, ...finish.fields }, 'reading settled');
    item.resolve();
  }
}
