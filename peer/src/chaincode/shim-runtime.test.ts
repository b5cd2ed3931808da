import '../endorser/test-support/quiet-logs.js';
import { createRequire } from 'node:module';
import { generateOrganization } from '@speedledger/orderer-bft';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runtimePackages, shimRuntime } from './shim-runtime.js';

const require = createRequire(import.meta.url);

interface WinstonLogger {
  write(info: unknown): boolean;
  debug(message: string): unknown;
  warn(message: string): unknown;
}
interface LoggerModule {
  getLogger(name: string): WinstonLogger;
  setLevel(level: string): void;
}

const rootOf = (name: string): string => runtimePackages().find((p) => p.name === name)!.root;
const savedLevel = process.env.CORE_CHAINCODE_LOGGING_LEVEL;

afterEach(() => {
  for (const name of ['fabric-shim', 'fabric-contract-api']) (require(`${rootOf(name)}/lib/logger.js`) as LoggerModule).setLevel('CRITICAL');
  process.env.CORE_CHAINCODE_LOGGING_LEVEL = savedLevel;
});

// The guards themselves are lr-chaincode's (src/contract/runtime/shim-cost-guards.test.ts); here:
// the peer applies them to its own copies of the libraries, which linked packages run on.
describe("the peer's own fabric-shim copies carry lr-chaincode's cost guards", () => {
  for (const name of ['fabric-shim', 'fabric-contract-api']) {
    it(`${name}: a message no transport writes is dropped before winston formats it; written ones still reach winston`, () => {
      shimRuntime();
      const module = require(`${rootOf(name)}/lib/logger.js`) as LoggerModule;
      const logger = module.getLogger(`cost-guard-peer-${name}`);
      const entered = vi.spyOn(logger, 'write').mockImplementation(() => true);
      try {
        module.setLevel('WARNING');
        logger.debug('dropped');
        expect(entered).not.toHaveBeenCalled();
        logger.warn('kept');
        expect(entered).toHaveBeenCalledTimes(1);
      } finally {
        entered.mockRestore();
      }
    });
  }

  it("the creator certificate is parsed once by the shim's @fidm/x509", async () => {
    shimRuntime();
    const org = await generateOrganization({ mspId: 'CityOperatorMSP', domain: 'city.example.com', now: new Date(Date.now() - 86_400_000) });
    const { certPem } = await org.enrol('user1.city.example.com', { ou: 'client' });
    const { Certificate } = createRequire(`${rootOf('fabric-shim')}/package.json`)('@fidm/x509') as { Certificate: { fromPEM(pem: string): { subject: unknown } } };
    const first = Certificate.fromPEM(certPem);
    expect(Certificate.fromPEM(certPem)).toBe(first);
  });
});
