/** Exponential backoff with jitter. */
export interface BackoffPolicy {
  /** Delay before the first retry (ms). */
  readonly baseMs: number;
  /** Largest delay (ms). */
  readonly maxMs: number;
}

/** Default: 500 ms doubling to 30 s. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };

/**
 * Delay before retry number `attempt` (1-based): `min(max, base·2^(attempt-1))`, scaled by
 * "equal jitter" into [½, 1) of that, with `u` uniform in [0, 1) from a seeded generator. The
 * jitter spreads the retries of a batch that failed together (e.g. when the orderers refused
 * work), so they do not come back as one burst. Pure.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, u: number): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (ceiling / 2) * u);
}
