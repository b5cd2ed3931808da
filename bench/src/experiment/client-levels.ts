/**
 * Which client counts a closed-loop run visits and how many readings each level needs, so the
 * readings can be generated (and signed) before the level starts instead of inside its window.
 */

/** The seed paper's x-axis (Figs. 4–5): 4 … 1,200 concurrent clients. */
export const PAPER_CLIENT_LEVELS: readonly number[] = [4, 50, 100, 200, 400, 600, 800, 1000, 1200];

/** `bench:quick`'s levels: one unloaded and one loaded point. */
export const QUICK_CLIENT_LEVELS: readonly number[] = [4, 32];

/**
 * Parses a comma-separated list of positive client counts (`4,50,100`), sorted ascending,
 * duplicates dropped. Throws a clear error on anything else.
 */
export function parseLevels(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw new Error(`no client levels in "${text}": expected e.g. 4,50,100`);
  const levels = parts.map((p) => {
    const n = Number(p);
    if (!/^\d+$/.test(p) || !Number.isSafeInteger(n) || n < 1) throw new Error(`bad client level "${p}" in "${text}": expected positive integers`);
    return n;
  });
  return [...new Set(levels)].sort((a, b) => a - b);
}

/** Timing of one level (seconds). */
export interface LevelTiming {
  /** Longest warm-up: the window opens earlier once every client has committed once. */
  readonly warmupSeconds: number;
  /** Measurement window. */
  readonly windowSeconds: number;
  /** Longest wait for transactions still in flight when the window closes. */
  readonly drainSeconds: number;
}

/**
 * Readings to generate for a level of `clients` closed-loop clients of `batch` readings each. The
 * warm-up ends once the clients have committed `clients` transactions, so a level uses about a
 * transaction per client in flight at the start, one round of them in the warm-up, what the network
 * could record at `ceilingReadingsPerSecond` over the window, and a round for the drain — capped
 * at `cap` (a level that runs out says so: `exhausted`).
 */
export function readingsBudget(clients: number, batch: number, timing: LevelTiming, ceilingReadingsPerSecond: number, cap = Number.POSITIVE_INFINITY): number {
  if (!(clients >= 1 && batch >= 1 && ceilingReadingsPerSecond >= 0)) throw new Error(`bad budget input: clients ${clients}, batch ${batch}, ceiling ${ceilingReadingsPerSecond}`);
  const transactions = 3 * clients + Math.ceil((ceilingReadingsPerSecond * timing.windowSeconds) / batch);
  return Math.min(cap, transactions * batch);
}

/**
 * Meters a run needs: a meter never has two transactions in flight, so a level of C clients of
 * B readings needs at least C·B meters with a reading queued; `spare` more (as a fraction)
 * keep the random arrival order from leaving clients without an idle meter.
 */
export function metersNeeded(levels: readonly number[], batch: number, spare = 0.5): number {
  const most = Math.max(...levels);
  return Math.ceil(most * batch * (1 + spare));
}

/**
 * The readings/s the next level's budget assumes: three times the best rate recorded so far
 * (a closed loop rarely gains more from one level to the next), at least `floor`, at most
 * `ceiling` — so an unloaded level does not make the run sign thousands of readings it never
 * submits, and a faster network still gets enough.
 */
export function nextCeiling(bestReadingsPerSecond: number | undefined, ceiling: number, floor = 50): number {
  if (bestReadingsPerSecond === undefined || !Number.isFinite(bestReadingsPerSecond)) return ceiling;
  return Math.min(ceiling, Math.max(floor, Math.ceil(3 * bestReadingsPerSecond)));
}
