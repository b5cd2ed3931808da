/**
 * Runs closed-loop levels on a running benchmark network: readings generated before each level,
 * the level run, summarised, and the CPU seconds every member used during it (warm-up, window and
 * drain) divided by what the whole level committed — the measured cost per transaction and per
 * reading that the README's cost model is built from.
 */
import { cpuDelta } from '../network-fixture.js';
import { MeterQueues } from '../network-load.js';
import type { BenchNetwork } from './bench-network.js';
import { nextCeiling, readingsBudget, type LevelTiming } from './client-levels.js';
import { runClosedLoop } from './closed-loop.js';
import { summariseLevel, type LevelSummary } from './level-summary.js';

/** One level's figures plus what went wrong and what it cost. */
export interface LevelReport extends LevelSummary {
  readonly failed: Record<string, number>;
  readonly failureSamples: Record<string, string>;
  readonly refusedInBatch: Record<string, number>;
  readonly unfinished: number;
  readonly exhausted: boolean;
  readonly stalls: number;
  /** Readings generated for the level. */
  readonly generated: number;
  /** Transactions and readings committed over the whole level (warm-up, window, drain). */
  readonly levelCommittedTransactions: number;
  readonly levelRecordedReadings: number;
  /** CPU seconds per member over the whole level. */
  readonly cpuSeconds: Record<string, number>;
  /** CPU ms per committed transaction and per recorded reading, all members together. */
  readonly cpuMsPerTransaction: number | null;
  readonly cpuMsPerReading: number | null;
  readonly loadAverage: readonly number[];
}

/** Options of {@link runLevels}. */
export interface LevelRunOptions {
  readonly levels: readonly number[];
  readonly batch: number;
  readonly timing: LevelTiming;
  /** Readings/s the first level's budget assumes the network could record at most (later levels: {@link nextCeiling}). */
  readonly ceilingReadingsPerSecond: number;
  readonly loadAverage: () => readonly number[];
  readonly onLevel: (report: LevelReport) => void;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Runs every level in order; stops early when a level committed nothing (the network is gone). */
export async function runLevels(network: BenchNetwork, options: LevelRunOptions): Promise<LevelReport[]> {
  const reports: LevelReport[] = [];
  let best: number | undefined;
  for (const clients of options.levels) {
    const queues = new MeterQueues();
    const readings = await network.generate(readingsBudget(clients, options.batch, options.timing, nextCeiling(best, options.ceilingReadingsPerSecond)));
    queues.add(readings);
    const before = await network.cpuSeconds();
    const result = await runClosedLoop(network.ledgers, queues, { clients, batch: options.batch, timing: options.timing });
    const cpu = cpuDelta(before, await network.cpuSeconds());
    const summary = summariseLevel(clients, options.batch, result.records, result.windowStart, result.windowEnd);
    const committed = result.records.filter((r) => r.committedAt !== undefined);
    const transactions = committed.length;
    const recorded = committed.reduce((s, r) => s + r.recorded, 0);
    const cpuTotal = [...cpu.values()].reduce((s, x) => s + x, 0);
    const report: LevelReport = {
      ...summary,
      failed: result.failed, failureSamples: result.failureSamples, refusedInBatch: result.refusedInBatch, unfinished: result.unfinished, exhausted: result.exhausted, stalls: result.stalls,
      generated: readings.length, levelCommittedTransactions: transactions, levelRecordedReadings: recorded,
      cpuSeconds: Object.fromEntries(cpu),
      cpuMsPerTransaction: transactions === 0 ? null : round2((cpuTotal * 1000) / transactions),
      cpuMsPerReading: recorded === 0 ? null : round2((cpuTotal * 1000) / recorded),
      loadAverage: options.loadAverage(),
    };
    reports.push(report);
    best = Math.max(best ?? 0, summary.readingsPerSecond);
    options.onLevel(report);
    if (transactions === 0) break;
  }
  return reports;
}
