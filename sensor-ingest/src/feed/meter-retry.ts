/**
 * What a simulated meter does with the API's answer to one hand-off: forget the reading (a
 * receipt, or a refusal it cannot fix), or keep it and try again after a delay. Pure; the jitter
 * comes from an injected uniform [0, 1) draw.
 */

/** The answer to one POST, as the meter sees it. */
export type HandoffAnswer =
  | { readonly kind: 'http'; readonly status: number; readonly retryAfter?: string | undefined; readonly code?: string | undefined }
  | { readonly kind: 'network'; readonly detail: string };

/** What the meter does next. */
export type HandoffDecision =
  | { readonly action: 'accepted' }
  | { readonly action: 'refused'; readonly code: string }
  | { readonly action: 'retry'; readonly delayMs: number; readonly cause: string };

/** Retry tuning of a meter. */
export interface MeterRetryPolicy {
  /** First delay after a network error or 5xx (ms). */
  readonly baseMs: number;
  /** Longest delay (ms). */
  readonly maxMs: number;
  /** Delay when a 429 / 503 carries no usable Retry-After (ms). */
  readonly defaultRetryAfterMs: number;
}

/** 250 ms doubling to 30 s; 1 s when Retry-After is missing. */
export const DEFAULT_METER_RETRY: MeterRetryPolicy = { baseMs: 250, maxMs: 30_000, defaultRetryAfterMs: 1_000 };

/** Retry-After (delta seconds or an HTTP date) in ms from `nowMs`, or undefined. */
export function retryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * Decides after attempt number `attempt` (1-based) of one reading. 202 → accepted; 400, 409,
 * 413, 415 → refused with the API's code (sending the same bytes again cannot change it);
 * 429 / 503 → wait Retry-After, spread by up to +50 % so a throttled fleet does not return as
 * one burst; network errors and other 5xx → exponential backoff with equal jitter.
 */
export function decideHandoff(answer: HandoffAnswer, attempt: number, u: number, nowMs: number, policy: MeterRetryPolicy = DEFAULT_METER_RETRY): HandoffDecision {
  const backoff = (): number => {
    const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
    return Math.round(ceiling / 2 + (ceiling / 2) * u);
  };
  if (answer.kind === 'network') return { action: 'retry', delayMs: backoff(), cause: 'NETWORK' };
  const { status } = answer;
  if (status === 202) return { action: 'accepted' };
  if (status === 429 || status === 503) {
    const base = retryAfterMs(answer.retryAfter, nowMs) ?? policy.defaultRetryAfterMs;
    return { action: 'retry', delayMs: Math.round(Math.min(policy.maxMs, base) * (1 + 0.5 * u)), cause: status === 429 ? 'THROTTLED' : 'UNAVAILABLE' };
  }
  if (status === 400 || status === 409 || status === 413 || status === 415) return { action: 'refused', code: answer.code ?? `HTTP_${status}` };
  return { action: 'retry', delayMs: backoff(), cause: `HTTP_${status}` };
}
