import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import { runtimePackages } from './shim-runtime.js';

const require = createRequire(import.meta.url);

interface WinstonLogger {
  level: string;
  write(info: unknown): boolean;
  debug(message: string): unknown;
  info(message: string): unknown;
  warn(message: string): unknown;
}

describe('fabric-shim logging in the embedded peer', () => {
  for (const name of ['fabric-shim', 'fabric-contract-api']) {
    it(`${name}: a message below the logger's level is dropped before winston formats it; enabled ones still reach winston`, () => {
      const root = runtimePackages().find((p) => p.name === name)!.root;
      const module = require(`${root}/lib/logger.js`) as { getLogger(name: string): WinstonLogger };
      const logger = module.getLogger(`quiet-test-${name}`);
      const written: unknown[] = [];
      const write = vi.spyOn(logger, 'write').mockImplementation((info) => written.push(info) > 0);
      try {
        logger.level = 'warn';
        logger.debug('dropped');
        logger.info('dropped too');
        expect(written).toEqual([]);
        logger.warn('kept');
        expect(written).toHaveLength(1);
        // A level change later is honoured (the level is read at each call).
        logger.level = 'debug';
        logger.debug('now kept');
        expect(written).toHaveLength(2);
      } finally {
        write.mockRestore();
      }
    });
  }
});
