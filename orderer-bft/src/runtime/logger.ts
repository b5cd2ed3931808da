
/** Severity of a log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured JSON-lines logger: one object per line with level, replica, view, seq and event. */
export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * Writes JSON lines to `sink`: time, level, the fields `context()` supplies at that moment (what
 * correlates lines across processes), the event and its own fields. `minLevel` may be a function
 * so that `PUT /logspec` changes what is written without recreating the logger.
 */
export function createStructuredLogger(
  sink: { write(text: string): unknown },
  context: () => Record<string, unknown>,
  minLevel: LogLevel | (() => LogLevel) = 'info',
): Logger {
  const threshold = typeof minLevel === 'function' ? minLevel : () => minLevel;
  return {
    log(level, event, fields = {}) {
      if (RANK[level] < RANK[threshold()]) return;
      sink.write(`${JSON.stringify({ ts: new Date().toISOString(), level, ...context(), event, ...fields })}\n`);
    },
  };
}

/** An orderer replica's logger: every line carries the replica id and its current view and height. */
export function createJsonLogger(
  sink: { write(text: string): unknown },
  replica: number,
  context: () => { view: number; seq: number },
  minLevel: LogLevel | (() => LogLevel) = 'info',
): Logger {
  return createStructuredLogger(sink, () => ({ replica, ...context() }), minLevel);
}
