import { cpus, totalmem } from 'node:os';

/** One line that says which machine produced a figure, printed before every benchmark. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${process.platform}/${process.arch}`;
}

/** Result of {@link measureRate}. */
export interface RateResult {
  readonly operations: number;
  readonly seconds: number;
  readonly perSecond: number;
}

/**
 * Runs `operation` repeatedly for about `seconds` of wall time (after a short warm-up so the
 * JIT has compiled the hot path) and reports operations per second.
 */
export function measureRate(operation: (i: number) => void, seconds = 3): RateResult {
  const warmUpEnd = performance.now() + 300;
  let i = 0;
  while (performance.now() < warmUpEnd) operation(i++);
  const start = performance.now();
  const end = start + seconds * 1000;
  let operations = 0;
  // Check the clock every 16 operations so timing overhead stays out of the figure.
  while (true) {
    for (let k = 0; k < 16; k++) operation(i++ + k);
    operations += 16;
    if (performance.now() >= end) break;
  }
  const elapsed = (performance.now() - start) / 1000;
  return { operations, seconds: elapsed, perSecond: operations / elapsed };
}
