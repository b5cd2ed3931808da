import { parseArgs } from 'node:util';
import { loadNodeConfig } from '../runtime/node-config.js';
import { startOrdererNode } from '../runtime/orderer-node.js';
import type { OrdererCliCommand } from './command.js';

const USAGE = `speedledger orderer start --config FILE

Runs one ordering replica until SIGTERM/SIGINT (graceful) — SIGKILL is safe too: the WAL and
block store are fsynced before anything is acknowledged. Logs are JSON lines on stdout.

  --config FILE   replica config (see "speedledger orderer init-cluster")`;

/** `speedledger orderer start`. */
export const startCommand: OrdererCliCommand = {
  path: ['orderer', 'start'],
  summary: 'Run one BFT ordering replica (AtomicBroadcast gRPC, metrics)',
  usage: USAGE,
  async run(args, io) {
    let config: string | undefined;
    try {
      ({ values: { config } } = parseArgs({ args, options: { config: { type: 'string' } }, strict: true, allowPositionals: false }));
    } catch (error) {
      io.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
      return 2;
    }
    if (config === undefined) {
      io.stderr.write(`--config is required\n${USAGE}\n`);
      return 2;
    }
    try {
      const node = await startOrdererNode(await loadNodeConfig(config), { log: io.stdout });
      await new Promise<void>((resolve) => {
        const shutdown = (): void => {
          process.off('SIGTERM', shutdown);
          process.off('SIGINT', shutdown);
          void node.stop().then(resolve);
        };
        process.on('SIGTERM', shutdown);
        process.on('SIGINT', shutdown);
        node.host.once('fatal', shutdown);
      });
      return 0;
    } catch (error) {
      const e = error as Error & { code?: string };
      io.stderr.write(`orderer start failed: ${e.code ?? 'ERROR'}: ${e.message}${e.cause instanceof Error ? ` (${e.cause.message})` : ''}\n`);
      return 1;
    }
  },
};
