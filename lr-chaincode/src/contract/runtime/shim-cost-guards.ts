/**
 * Cost guards for the Fabric runtime libraries the chaincode runs on. They live in the package
 * (scripts/chaincode-main.cjs applies them to the copies bundled into the package) so they
 * travel with the approved bytes and apply wherever the package runs: on real Fabric, in the
 * embedded peer and in the auditor. Neither changes what a transaction computes or what is
 * logged; each only removes work whose result is thrown away or already known.
 *
 * The guards take the library modules as arguments rather than importing them: this file must
 * not pull a second copy of fabric-shim into the bundle, and a host (the peer's unbundled
 * runtime) applies them to the copies it resolves itself.
 */

/** The part of a winston transport that decides whether it writes a message. */
interface LevelTransport {
  readonly level?: string;
  readonly silent?: boolean;
  readonly levels?: Readonly<Record<string, number>>;
  readonly parent?: { readonly level?: string };
}

/** The part of a winston logger the logging guard uses. */
interface LevelLogger {
  readonly levels: Readonly<Record<string, number>>;
  readonly transports: readonly LevelTransport[];
}

/** fabric-shim's and fabric-contract-api's `lib/logger.js`: one winston logger per name. */
export interface ShimLoggerModule {
  getLogger(name?: string): unknown;
}

/** The part of `@fidm/x509` fabric-shim's `ClientIdentity` calls on every invocation. */
export interface X509Module {
  readonly Certificate: { fromPEM(pem: string | Uint8Array): unknown };
}

/** The library modules {@link applyShimCostGuards} guards. */
export interface ShimCostGuardTargets {
  /** Every `lib/logger.js` (fabric-shim's, fabric-contract-api's), before any module took a logger. */
  readonly loggerModules: readonly ShimLoggerModule[];
  /** The `@fidm/x509` fabric-shim's `lib/chaincode.js` loads. */
  readonly x509: X509Module;
}

/** Default bound of the parsed-certificate memo: far above the client identities one channel sees. */
export const CERTIFICATE_MEMO_ENTRIES = 256;

const guardedLoggers = new WeakSet<object>();
const guardedLoggerModules = new WeakSet<object>();
const guardedX509 = new WeakSet<object>();

function isLevelLogger(value: unknown): value is LevelLogger & Record<string, unknown> {
  const v = value as Partial<LevelLogger> | null;
  return typeof v === 'object' && v !== null && typeof v.levels === 'object' && v.levels !== null && 'transports' in v;
}

/**
 * Whether any transport would write a message of `level`: the test winston-transport applies
 * after formatting (its own level, else the level of the first logger piped into it; no level
 * writes everything). fabric-shim's loggers of one module share one console transport, so it is
 * that transport's view, not the calling logger's own `level`, that decides.
 */
function someTransportWrites(logger: LevelLogger, level: string): boolean {
  const transports = logger.transports;
  if (transports.length === 0) return true; // let winston report the missing transport as it does
  const wanted = logger.levels[level];
  return transports.some((t) => {
    if (t.silent === true) return false;
    const threshold = t.level || t.parent?.level;
    if (!threshold) return true;
    const levels = t.levels ?? logger.levels;
    return (levels[threshold] as number) >= (wanted as number);
  });
}

/**
 * Makes a winston logger return before formatting a message no transport would write.
 * winston runs the whole format chain (timestamp, metadata, colours, printf) and only then lets
 * the transport drop the line, and fabric-shim logs several debug lines per transaction: at the
 * WARNING level Fabric peers run chaincode with, that was ≈ 5–12 % of re-execution CPU spent on
 * text nobody sees. The decision is the transports' own filter taken at each call, so level
 * changes are honoured and exactly the same lines are written. Idempotent; anything that is not
 * a winston logger is left alone.
 */
export function skipDisabledLevels(logger: unknown): void {
  if (!isLevelLogger(logger) || guardedLoggers.has(logger)) return;
  guardedLoggers.add(logger);
  for (const level of Object.keys(logger.levels)) {
    const write = logger[level];
    if (typeof write !== 'function') continue;
    logger[level] = function guardedLevel(this: unknown, ...args: unknown[]): unknown {
      const self = this ?? logger;
      return someTransportWrites(logger, level) ? (write as (...a: unknown[]) => unknown).apply(self, args) : self;
    };
  }
}

/**
 * Applies {@link skipDisabledLevels} to every logger the module's `getLogger` hands out from now
 * on (fabric-shim's modules take their loggers when they load, so this must run first).
 */
export function skipDisabledLevelsOf(module: ShimLoggerModule): void {
  if (guardedLoggerModules.has(module)) return;
  guardedLoggerModules.add(module);
  const getLogger = module.getLogger.bind(module);
  module.getLogger = (name?: string): unknown => {
    const logger = getLogger(name);
    skipDisabledLevels(logger);
    return logger;
  };
}

function memoKey(pem: string | Uint8Array): string {
  return typeof pem === 'string' ? pem : `\u0000bytes:${Buffer.from(pem).toString('base64')}`;
}

/**
 * Memoises `Certificate.fromPEM` by the certificate's text. fabric-shim's `ClientIdentity`
 * parses the creator's certificate with @fidm/x509 on every invocation, although a channel has
 * a handful of client identities; the parse cost ≈ 10 % of re-executing a one-reading
 * transaction. A parse is a pure function of the bytes, so the cached certificate is the one a
 * fresh parse would give; `ClientIdentity` only reads it (subject, issuer, extensions). A parse
 * that throws is not cached (it throws again). At most `maxEntries` certificates are kept, the
 * least recently used dropped first. Idempotent.
 */
export function memoiseCertificateParse(x509: X509Module, maxEntries: number = CERTIFICATE_MEMO_ENTRIES): void {
  const { Certificate } = x509;
  if (guardedX509.has(Certificate)) return;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  guardedX509.add(Certificate);
  const parse = Certificate.fromPEM.bind(Certificate);
  const memo = new Map<string, unknown>();
  Certificate.fromPEM = (pem: string | Uint8Array): unknown => {
    const key = memoKey(pem);
    if (memo.has(key)) {
      const hit = memo.get(key);
      memo.delete(key); // re-inserted: Map order is the recency order
      memo.set(key, hit);
      return hit;
    }
    const parsed = parse(pem);
    if (memo.size >= maxEntries) memo.delete(memo.keys().next().value as string);
    memo.set(key, parsed);
    return parsed;
  };
}

/** The guards {@link applyShimCostGuards} applies, by name (the package reports them). */
export const SHIM_COST_GUARDS = ['skipDisabledLevels', 'memoiseCertificateParse'] as const;

/**
 * Both guards, on the given library modules (what the package's entry runs at load, before the
 * modules that take loggers are loaded). Returns {@link SHIM_COST_GUARDS}.
 */
export function applyShimCostGuards(targets: ShimCostGuardTargets): typeof SHIM_COST_GUARDS {
  for (const module of targets.loggerModules) skipDisabledLevelsOf(module);
  memoiseCertificateParse(targets.x509);
  return SHIM_COST_GUARDS;
}
