/**
 * Load driver of the end-to-end benchmark: submits pre-generated readings through ledger
 * clients, paced at a rate or with a fixed number of transactions in flight, never two in flight
 * for one meter (its sequence key would make the later one an MVCC conflict, which is the
 * meter's problem, not the network's), and records submit → commit latency per reading.
 */
import type { GeneratedReading } from '@speedledger/datasets';
import { LedgerError, type LedgerClient } from '@speedledger/ledger-client';

/** Readings queued per meter, handed out only for meters with nothing in flight. */
export class MeterQueues {
  private readonly queues = new Map<string, GeneratedReading[]>();
  private readonly busy = new Set<string>();
  private order: string[] = [];
  private cursor = 0;
  private remaining = 0;

  /** Appends readings in arrival order. */
  add(readings: Iterable<GeneratedReading>): void {
    for (const r of readings) {
      let queue = this.queues.get(r.truth.meterId);
      if (queue === undefined) {
        this.queues.set(r.truth.meterId, (queue = []));
        this.order.push(r.truth.meterId);
      }
      queue.push(r);
      this.remaining += 1;
    }
  }

  /** Readings not yet handed out. */
  get size(): number {
    return this.remaining;
  }

  /** Up to `n` readings of distinct idle meters (their meters become busy). */
  take(n: number): GeneratedReading[] {
    const out: GeneratedReading[] = [];
    for (let looked = 0; looked < this.order.length && out.length < n; looked += 1) {
      const meterId = this.order[this.cursor]!;
      this.cursor = (this.cursor + 1) % this.order.length;
      const queue = this.queues.get(meterId)!;
      if (this.busy.has(meterId) || queue.length === 0) continue;
      out.push(queue.shift()!);
      this.busy.add(meterId);
      this.remaining -= 1;
    }
    return out;
  }

  /** The meters of these readings may submit again. */
  release(readings: readonly GeneratedReading[]): void {
    for (const r of readings) this.busy.delete(r.truth.meterId);
  }
}

/** One load level. */
export interface LoadSpec {
  /** Readings offered per second; undefined = unpaced (keep `window` transactions in flight). */
  readonly rate?: number;
  /** Maximum transactions in flight. */
  readonly window: number;
  /** Readings per transaction (1 = SubmitReading, more = SubmitReadings). */
  readonly batch: number;
  readonly seconds: number;
  /** How long to wait for transactions still in flight at the end. */
  readonly drainSeconds: number;
}

/** What a load level produced. */
export interface LoadResult {
  readonly offered: number;
  readonly committed: number;
  /** Readings the chaincode refused inside committed batch transactions, by contract code. */
  readonly refusedInBatch: Record<string, number>;
  /** Failed transactions' readings by LedgerError code (or `Error`). */
  readonly failed: Record<string, number>;
  readonly seconds: number;
  /** Submit → commit latency of each committed reading, ms. */
  readonly latenciesMs: number[];
  /** Pacer ticks that could not issue what was due: no idle meter with a reading, or the window full. */
  readonly stalls: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs one load level over `clients` (round-robin) from `queues`. */
export async function runLoad(clients: readonly LedgerClient[], queues: MeterQueues, spec: LoadSpec): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  const failed: Record<string, number> = {};
  const refusedInBatch: Record<string, number> = {};
  let offered = 0;
  let committed = 0;
  let inFlight = 0;
  let stalls = 0;
  let next = 0;
  let lastDone = performance.now();
  const pending = new Set<Promise<void>>();

  const send = (readings: GeneratedReading[]): void => {
    const client = clients[next++ % clients.length]!;
    offered += readings.length;
    inFlight += 1;
    const t0 = performance.now();
    const call = (async () => {
      try {
        if (spec.batch === 1) {
          await client.submitReading(readings[0]!.bytes);
          committed += 1;
          latenciesMs.push(performance.now() - t0);
        } else {
          const result = await client.submitReadings(readings.map((r) => r.bytes));
          const ms = performance.now() - t0;
          for (const item of result.results) {
            if (item.status === 'recorded') {
              committed += 1;
              latenciesMs.push(ms);
            } else refusedInBatch[item.code] = (refusedInBatch[item.code] ?? 0) + 1;
          }
        }
      } catch (error) {
        const code = error instanceof LedgerError ? (error.contractCode ?? error.code) : 'Error';
        failed[code] = (failed[code] ?? 0) + readings.length;
      } finally {
        inFlight -= 1;
        lastDone = performance.now();
        queues.release(readings);
      }
    })();
    pending.add(call);
    void call.finally(() => pending.delete(call));
  };

  const start = performance.now();
  const end = start + spec.seconds * 1000;
  while (performance.now() < end && queues.size > 0) {
    const target = spec.rate === undefined ? Number.POSITIVE_INFINITY : Math.floor(((performance.now() - start) / 1000) * spec.rate);
    while (inFlight < spec.window && offered < target) {
      // Paced batches leave when a full batch is due.
      if (spec.rate !== undefined && target - offered < spec.batch) break;
      const readings = queues.take(Math.min(spec.batch, target - offered));
      if (readings.length === 0) {
        stalls += 1;
        break;
      }
      send(readings);
    }
    if (spec.rate !== undefined && inFlight >= spec.window && target - offered >= spec.batch) stalls += 1;
    await (spec.rate === undefined ? Promise.race([...pending, sleep(5)]) : sleep(2));
  }
  await Promise.race([Promise.all(pending), sleep(spec.drainSeconds * 1000)]);
  const unfinished = inFlight;
  if (unfinished > 0) failed.UNFINISHED = (failed.UNFINISHED ?? 0) + unfinished * spec.batch;
  return { offered, committed, refusedInBatch, failed, seconds: (lastDone - start) / 1000, latenciesMs, stalls };
}
