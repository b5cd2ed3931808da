/** Severity of a log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured JSON-lines logger: one object per line with level, replica, view, seq and event. */
export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * Writes JSON lines to `sink`; `context()` supplies the replica's current view and height so
 * every line can be correlated across replicas.
 */
export function createJsonLogger(
  sink: { write(text: string): unknown },
  replica: number,
  context: () => { view: number; seq: number },
  minLevel: LogLevel = 'info',
): Logger {
  return {
    log(level, event, fields = {}) {
      if (RANK[level] < RANK[minLevel]) return;
      const { view, seq } = context();
      sink.write(`${JSON.stringify({ ts: new Date().toISOString(), level, replica, view, seq, event, ...fields })}\n`);
    },
  };
}
