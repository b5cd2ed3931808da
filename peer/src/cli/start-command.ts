import { loadPeerConfig } from '../runtime/peer-config.js';
import { startPeerNode } from '../runtime/peer-node.js';
import type { PeerCliCommand } from './command.js';
import { configOption, failureLine } from './config-option.js';
import { defaultPeerParts } from './default-parts.js';

const USAGE = `speedledger peer start --config FILE

Runs one peer until SIGTERM/SIGINT (graceful): pulls and validates blocks from the orderers,
endorses proposals, serves Endorser, Deliver and Gateway gRPC on listen.grpc and /healthz,
/version, /logspec (GET, PUT), /status, /metrics on listen.operations. Logs are JSON lines on stdout.

  --config FILE   peer config (JSON; relative paths are taken from the file's directory)`;

/** `speedledger peer start`. */
export const startCommand: PeerCliCommand = {
  path: ['peer', 'start'],
  summary: 'Run one Fabric-protocol peer (Endorser, Deliver, Gateway; committer; operations)',
  usage: USAGE,
  async run(args, io) {
    const file = configOption(args, io, USAGE);
    if (file === undefined) return 2;
    try {
      const node = await startPeerNode(await loadPeerConfig(file), { log: io.stdout }, await defaultPeerParts());
      await new Promise<void>((resolve) => {
        const shutdown = (): void => {
          process.off('SIGTERM', shutdown);
          process.off('SIGINT', shutdown);
          void node.stop().then(resolve);
        };
        process.on('SIGTERM', shutdown);
        process.on('SIGINT', shutdown);
      });
      return 0;
    } catch (error) {
      io.stderr.write(failureLine('peer start', error));
      return 1;
    }
  },
};
