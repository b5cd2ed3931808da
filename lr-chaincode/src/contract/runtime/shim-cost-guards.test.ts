import '../../test-support/quiet-logs.js';
// Loads reflect-metadata (as a chaincode does), which @peculiar/x509 in test-identities needs.
import 'fabric-contract-api';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestOrganisation } from '../../test-support/test-identities.js';
import { applyShimCostGuards, memoiseCertificateParse, SHIM_COST_GUARDS, skipDisabledLevels, skipDisabledLevelsOf, type X509Module } from './shim-cost-guards.js';

const require = createRequire(import.meta.url);
// The copies fabric-shim itself loads: the same module instances its ClientIdentity uses.
const fromShim = createRequire(require.resolve('fabric-shim'));
const fromContractApi = createRequire(require.resolve('fabric-contract-api'));
const MESSAGE = Symbol.for('message');

interface WinstonLogger {
  level: string;
  readonly transports: { parent?: unknown; log(info: Record<symbol, unknown>, next?: () => void): void }[];
  write(info: unknown): boolean;
  debug(message: string, ...meta: unknown[]): unknown;
  info(message: string, ...meta: unknown[]): unknown;
  warn(message: string, ...meta: unknown[]): unknown;
  error(message: string, ...meta: unknown[]): unknown;
}
interface LoggerModule {
  getLogger(name?: string): WinstonLogger;
  /** Fabric's level names (DEBUG, INFO, WARNING, ERROR, CRITICAL), for every logger of the module. */
  setLevel(level: string): void;
}

/** Runs `body` and returns the formatted lines the loggers' transport received and how many messages entered winston. */
async function captured(logger: WinstonLogger, body: () => void): Promise<{ lines: unknown[]; entered: number }> {
  const lines: unknown[] = [];
  const transport = vi.spyOn(logger.transports[0]!, 'log').mockImplementation((info, next) => {
    lines.push(info[MESSAGE]);
    next?.();
  });
  const write = vi.spyOn(logger, 'write');
  try {
    body();
    await new Promise((resolve) => setImmediate(resolve)); // winston's stream hands lines on asynchronously
    return { lines, entered: write.mock.calls.length };
  } finally {
    write.mockRestore();
    transport.mockRestore();
  }
}

/** A fixed sequence at Fabric's WARNING level, then at DEBUG (set as Fabric sets it, for every logger). */
function sequence(module: LoggerModule, logger: WinstonLogger): () => void {
  return () => {
    module.setLevel('WARNING');
    logger.debug('a debug line', { tx: 'abc' });
    logger.info('an info line');
    logger.warn('a warning', { code: 'W1' });
    logger.error('an error', { meterId: 'SP-000001' });
    module.setLevel('DEBUG');
    logger.debug('now a debug line is written');
  };
}

const savedLevel = process.env.CORE_CHAINCODE_LOGGING_LEVEL;
afterEach(() => {
  vi.useRealTimers();
  for (const from of [fromShim, fromContractApi]) (from('./lib/logger.js') as LoggerModule).setLevel('CRITICAL');
  process.env.CORE_CHAINCODE_LOGGING_LEVEL = savedLevel;
});

describe('skipDisabledLevels', () => {
  for (const [name, from] of [['fabric-shim', fromShim], ['fabric-contract-api', fromContractApi]] as const) {
    it(`${name}: the same lines reach the transport at enabled levels; disabled ones never enter winston`, async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-03-01T08:00:00Z')); // fixed timestamps, so lines compare equal
      const module = from('./lib/logger.js') as LoggerModule;
      const logger = module.getLogger(`cost-guard-test-${name}`);
      const unguarded = await captured(logger, sequence(module, logger));
      skipDisabledLevels(logger);
      skipDisabledLevels(logger); // idempotent: a second guard would not change the outcome either
      const guarded = await captured(logger, sequence(module, logger));
      expect(guarded.lines).toEqual(unguarded.lines);
      expect(guarded.lines).toHaveLength(3);
      expect(String(guarded.lines[0])).toContain('a warning');
      expect(String(guarded.lines[2])).toContain('now a debug line is written');
      // Without the guard winston took all five messages in and formatted them; with it only the three it writes.
      expect(unguarded.entered).toBe(5);
      expect(guarded.entered).toBe(3);
    });
  }

  it("the shared transport's level decides, not the calling logger's own: a logger set stricter than the others still writes what it wrote before", async () => {
    const module = fromShim('./lib/logger.js') as LoggerModule;
    const candidates = [module.getLogger('cost-guard-test-a'), module.getLogger('cost-guard-test-b')];
    // The shared console transport filters by the first logger piped into it; take one that is not it.
    const logger = candidates.find((l) => l.transports[0]!.parent !== l)!;
    const body = () => {
      module.setLevel('DEBUG');
      logger.level = 'error';
      logger.debug('written: the transport is at debug');
    };
    const unguarded = await captured(logger, body);
    skipDisabledLevels(logger);
    const guarded = await captured(logger, body);
    expect(unguarded.lines).toHaveLength(1);
    expect(guarded.lines).toHaveLength(1);
  });

  it('skipDisabledLevelsOf guards the loggers getLogger hands out afterwards, and getLogger still returns the cached logger', async () => {
    const module = fromShim('./lib/logger.js') as LoggerModule;
    skipDisabledLevelsOf(module);
    skipDisabledLevelsOf(module);
    const logger = module.getLogger('cost-guard-test-module');
    expect(module.getLogger('cost-guard-test-module')).toBe(logger);
    const { lines, entered } = await captured(logger, sequence(module, logger));
    expect(lines).toHaveLength(3);
    expect(entered).toBe(3);
  });

  it('leaves anything that is not a winston logger alone', () => {
    const notALogger = { debug: () => 'kept' };
    skipDisabledLevels(notALogger);
    skipDisabledLevels(null);
    expect(notALogger.debug()).toBe('kept');
  });
});

describe('memoiseCertificateParse', () => {
  function countingX509(): { module: X509Module; parsed: string[] } {
    const parsed: string[] = [];
    const module = {
      Certificate: {
        fromPEM(pem: string | Uint8Array): unknown {
          const text = typeof pem === 'string' ? pem : Buffer.from(pem).toString();
          if (text === 'bad') throw new Error('not a certificate');
          parsed.push(text);
          return { text };
        },
      },
    };
    return { module, parsed };
  }

  it('parses each certificate once, returns what the parse returned, and drops the least recently used beyond its bound', () => {
    const { module, parsed } = countingX509();
    memoiseCertificateParse(module, 2);
    memoiseCertificateParse(module, 2); // idempotent: no second memo on top
    const a = module.Certificate.fromPEM('A');
    expect(a).toEqual({ text: 'A' });
    expect(module.Certificate.fromPEM('A')).toBe(a);
    module.Certificate.fromPEM('B');
    module.Certificate.fromPEM('A'); // A is now the most recently used
    module.Certificate.fromPEM('C'); // evicts B
    module.Certificate.fromPEM('A');
    module.Certificate.fromPEM('B');
    expect(parsed).toEqual(['A', 'B', 'C', 'B']);
    // Bytes and text are separate keys (the shim passes text; bytes must not alias another text).
    module.Certificate.fromPEM(new Uint8Array(Buffer.from('A')));
    expect(parsed).toEqual(['A', 'B', 'C', 'B', 'A']);
  });

  it('does not cache a parse that throws', () => {
    const { module } = countingX509();
    memoiseCertificateParse(module);
    expect(() => module.Certificate.fromPEM('bad')).toThrow('not a certificate');
    expect(() => module.Certificate.fromPEM('bad')).toThrow('not a certificate');
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => memoiseCertificateParse(countingX509().module, 0)).toThrow(RangeError);
  });

  it("fabric-shim's ClientIdentity gives the same identity and attributes, parsing each creator certificate once", async () => {
    const org = await createTestOrganisation('InmetroMSP');
    const registrar = await org.enrol('registrar1', { attrs: { 'speedledger.role': 'registrar', 'hf.EnrollmentID': 'registrar1' } });
    const clerk = await org.enrol('clerk1');
    const { ClientIdentity } = fromShim('./lib/chaincode.js') as { ClientIdentity: new (stub: unknown) => { getID(): string; getMSPID(): string; getAttributeValue(name: string): string | null; getIDBytes(): Uint8Array } };
    const x509 = fromShim('@fidm/x509') as X509Module & { Certificate: { fromPEMs(pem: unknown): unknown[] } };
    const stubFor = (pem: string) => ({ getChannelID: () => 'speedledger', getTxID: () => 'tx1', getCreator: () => ({ mspid: 'InmetroMSP', idBytes: new Uint8Array(Buffer.from(pem)) }) });
    const view = (pem: string) => {
      const id = new ClientIdentity(stubFor(pem));
      return { id: id.getID(), msp: id.getMSPID(), role: id.getAttributeValue('speedledger.role'), enrolment: id.getAttributeValue('hf.EnrollmentID'), bytes: Buffer.from(id.getIDBytes()).toString() };
    };
    const before = [view(registrar.certificatePem), view(clerk.certificatePem)];
    expect(before[0]!.role).toBe('registrar');
    expect(before[1]!.role).toBeNull();
    expect(before[0]!.id).not.toBe(before[1]!.id);

    applyShimCostGuards({ loggerModules: [fromShim('./lib/logger.js') as LoggerModule], x509 });
    const parses = vi.spyOn(x509.Certificate, 'fromPEMs');
    try {
      const after = [view(registrar.certificatePem), view(clerk.certificatePem), view(registrar.certificatePem), view(clerk.certificatePem)];
      expect(after).toEqual([...before, ...before]);
      expect(parses).toHaveBeenCalledTimes(2);
    } finally {
      parses.mockRestore();
    }
  });

  it('applyShimCostGuards reports the guards it applied', () => {
    const { module } = countingX509();
    expect(applyShimCostGuards({ loggerModules: [], x509: module })).toEqual(['skipDisabledLevels', 'memoiseCertificateParse']);
    expect(SHIM_COST_GUARDS).toHaveLength(2);
  });
});
