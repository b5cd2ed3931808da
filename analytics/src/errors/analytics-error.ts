/** Stable codes of analytics failures (not audit findings: those are data, these stop a run). */
export const ANALYTICS_ERROR_CODES = [
  'PACKAGE_UNREADABLE', 'PACKAGE_INVALID', 'BAD_CHECKPOINT', 'SOURCE_FAILED', 'BAD_BLOCK_SOURCE', 'BAD_ARGUMENT', 'STORE_FAILED', 'BAD_REFUSAL_LINE',
] as const;

/** One of {@link ANALYTICS_ERROR_CODES}. */
export type AnalyticsErrorCode = (typeof ANALYTICS_ERROR_CODES)[number];

/** A failure of the analytics tools, with a stable code, the ids involved and the cause. */
export class AnalyticsError extends Error {
  override readonly name = 'AnalyticsError';
  readonly code: AnalyticsErrorCode;
  readonly ids: Readonly<Record<string, string | number>>;

  constructor(code: AnalyticsErrorCode, message: string, ids: Readonly<Record<string, string | number>> = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.ids = ids;
  }
}
