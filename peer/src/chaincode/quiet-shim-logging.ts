/** The part of a winston logger the guard uses. */
interface LevelLogger {
  readonly levels: Readonly<Record<string, number>>;
  isLevelEnabled(level: string): boolean;
}

/** fabric-shim's and fabric-contract-api's `lib/logger.js`: one winston logger per name. */
export interface ShimLoggerModule {
  getLogger(name?: string): unknown;
}

const guarded = new WeakSet<object>();
const patched = new WeakSet<object>();

function isLevelLogger(value: unknown): value is LevelLogger & Record<string, unknown> {
  const v = value as Partial<LevelLogger> | null;
  return typeof v === 'object' && v !== null && typeof v.isLevelEnabled === 'function' && typeof v.levels === 'object';
}

/**
 * Makes a winston logger skip, before any formatting, a message whose level no transport would
 * write. winston formats every message (timestamp, metadata, colours, printf) and only then lets
 * the transport drop it, and fabric-shim logs several debug lines per chaincode message: at the
 * peers' WARNING level that was ≈ 8 % of an endorsing peer's CPU for nothing. Which messages are
 * written does not change (same `isLevelEnabled` winston's transports apply, level changes
 * included).
 */
export function skipDisabledLevels(logger: unknown): void {
  if (!isLevelLogger(logger) || guarded.has(logger)) return;
  guarded.add(logger);
  for (const level of Object.keys(logger.levels)) {
    const write = logger[level];
    if (typeof write !== 'function') continue;
    logger[level] = function (this: unknown, ...args: unknown[]): unknown {
      return logger.isLevelEnabled(level) ? (write as (...a: unknown[]) => unknown).apply(this ?? logger, args) : (this ?? logger);
    };
  }
}

/**
 * Guards every logger `module.getLogger` hands out from now on. Only the embedded peer's
 * in-process chaincode runtime does this; a chaincode on real Fabric runs its own fabric-shim,
 * untouched.
 */
export function quietShimLogging(module: ShimLoggerModule): void {
  if (patched.has(module)) return;
  patched.add(module);
  const getLogger = module.getLogger.bind(module);
  module.getLogger = (name?: string): unknown => {
    const logger = getLogger(name);
    skipDisabledLevels(logger);
    return logger;
  };
}
