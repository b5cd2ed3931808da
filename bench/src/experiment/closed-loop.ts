/**
 * The closed-loop load of the seed paper's experiment: C clients, each submitting one
 * transaction (one signed reading, or a batch), waiting for its commit status, and submitting
 * the next at once. Readings come from {@link MeterQueues}, so a meter never has two
 * transactions in flight. The measurement window opens once every client has committed once
 * (or after the longest warm-up) and lasts a fixed time; the drain after it is not measured.
 */
import type { GeneratedReading } from '@speedledger/datasets';
import { LedgerError, type LedgerClient } from '@speedledger/ledger-client';
import type { MeterQueues } from '../network-load.js';
import type { LevelTiming } from './client-levels.js';
import type { TransactionRecord } from './level-summary.js';

/** Options of {@link runClosedLoop}. */
export interface ClosedLoopOptions {
  readonly clients: number;
  /** Readings per transaction: 1 = SubmitReading, more = SubmitReadings. */
  readonly batch: number;
  readonly timing: LevelTiming;
}

/** What a closed-loop level produced (times in ms of `performance.now()`). */
export interface ClosedLoopResult {
  readonly records: readonly TransactionRecord[];
  readonly windowStart: number;
  readonly windowEnd: number;
  /** Failed transactions by LedgerError code (contract code where there is one). */
  readonly failed: Record<string, number>;
  /** The first error message of each failure code (so a report says why, not only how often). */
  readonly failureSamples: Record<string, string>;
  /** Readings refused inside committed batches, by contract code. */
  readonly refusedInBatch: Record<string, number>;
  /** Times a client found no idle meter with a reading and waited 5 ms. */
  readonly stalls: number;
  /** True when the queued readings ran out before the window closed (the level is cut short). */
  readonly exhausted: boolean;
  /** Transactions still unanswered when the drain gave up. */
  readonly unfinished: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function failureCode(error: unknown): string {
  return error instanceof LedgerError ? (error.contractCode ?? error.code) : 'Error';
}

/** Runs one level: `options.clients` loops spread round-robin over `ledgers` (gateway connections). */
export async function runClosedLoop(ledgers: readonly LedgerClient[], queues: MeterQueues, options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  if (ledgers.length === 0) throw new Error('closed loop needs at least one ledger connection');
  const records: TransactionRecord[] = [];
  const failed: Record<string, number> = {};
  const failureSamples: Record<string, string> = {};
  const refusedInBatch: Record<string, number> = {};
  let stalls = 0;
  let exhausted = false;
  let stop = false;
  let commits = 0;
  let inFlight = 0;
  let openWindow: () => void = () => undefined;
  const everyoneOnce = new Promise<void>((resolve) => {
    openWindow = resolve;
  });

  const submit = async (ledger: LedgerClient, readings: readonly GeneratedReading[]): Promise<void> => {
    const submittedAt = performance.now();
    inFlight += 1;
    try {
      if (options.batch === 1) {
        await ledger.submitReading(readings[0]!.bytes);
        records.push({ submittedAt, committedAt: performance.now(), readings: 1, recorded: 1 });
      } else {
        const result = await ledger.submitReadings(readings.map((r) => r.bytes));
        const committedAt = performance.now();
        let recorded = 0;
        for (const item of result.results) {
          if (item.status === 'recorded') recorded += 1;
          else refusedInBatch[item.code] = (refusedInBatch[item.code] ?? 0) + 1;
        }
        records.push({ submittedAt, committedAt, readings: readings.length, recorded });
      }
      commits += 1;
      if (commits >= options.clients) openWindow();
    } catch (error) {
      const code = failureCode(error);
      failed[code] = (failed[code] ?? 0) + 1;
      failureSamples[code] ??= (error instanceof Error ? error.message : String(error)).slice(0, 500);
      records.push({ submittedAt, readings: readings.length, recorded: 0 });
    } finally {
      inFlight -= 1;
      queues.release(readings);
    }
  };

  const loop = async (i: number): Promise<void> => {
    const ledger = ledgers[i % ledgers.length]!;
    while (!stop) {
      const readings = queues.take(options.batch);
      if (readings.length === 0) {
        if (queues.size === 0) {
          exhausted = true;
          return;
        }
        stalls += 1;
        await sleep(5);
        continue;
      }
      await submit(ledger, readings);
    }
  };

  const loops = Array.from({ length: options.clients }, (_, i) => loop(i));
  await Promise.race([everyoneOnce, sleep(options.timing.warmupSeconds * 1000)]);
  const windowStart = performance.now();
  await sleep(options.timing.windowSeconds * 1000);
  const windowEnd = performance.now();
  stop = true;
  await Promise.race([Promise.all(loops), sleep(options.timing.drainSeconds * 1000)]);
  return { records, windowStart, windowEnd, failed, failureSamples, refusedInBatch, stalls, exhausted, unfinished: inFlight };
}
