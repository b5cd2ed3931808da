import type { LogLevel } from './logger.js';
import { RuntimeError } from './runtime-error.js';

/** Level names a spec may use (case-insensitive); `warning` is Fabric's spelling of `warn`. */
const NAMES: Readonly<Record<string, LogLevel>> = { debug: 'debug', info: 'info', warn: 'warn', warning: 'warn', error: 'error' };

/**
 * A process's active logging spec, as Fabric's `/logspec` reads and changes it. Fabric's grammar
 * is `[<logger>[,<logger>…]=]<level>[:…]`; a peer or orderer here has one logger, so only plain
 * levels are accepted (the last segment wins, an empty spec means `info`, as in Fabric). A
 * `logger=level` segment is refused rather than ignored, so an operator never believes a
 * per-logger level took effect; so are Fabric's `dpanic`, `panic` and `fatal`, which these
 * processes never log at.
 */
export class LogSpec {
  private current: LogLevel;

  constructor(initial: LogLevel = 'info') {
    this.current = initial;
  }

  /** The level lines must reach to be written. */
  get level(): LogLevel {
    return this.current;
  }

  /** The spec as `GET /logspec` reports it (the active level). */
  get spec(): string {
    return this.current;
  }

  /** Activates `spec`; throws `INVALID_LOG_SPEC` (and changes nothing) when it does not parse. */
  activate(spec: string): void {
    this.current = LogSpec.parse(spec);
  }

  /** The level `spec` selects; throws `INVALID_LOG_SPEC` with the offending segment. */
  static parse(spec: string): LogLevel {
    let level: LogLevel = 'info';
    for (const segment of spec.trim().split(':')) {
      if (segment === '') continue;
      if (segment.includes('=')) {
        throw new RuntimeError('INVALID_LOG_SPEC', `invalid logging specification '${spec}': per-logger segment '${segment}' is not supported, this process has one logger (use a plain level: debug, info, warn, error)`, { spec });
      }
      const named = NAMES[segment.toLowerCase()];
      if (named === undefined) throw new RuntimeError('INVALID_LOG_SPEC', `invalid logging specification '${spec}': bad segment '${segment}' (levels: debug, info, warn, error)`, { spec });
      level = named;
    }
    return level;
  }
}
