import { join } from 'node:path';
import { PeerLedger } from '../ledger/index.js';
import { loadPeerConfig } from '../runtime/peer-config.js';
import type { PeerCliCommand } from './command.js';
import { configOption, failureLine } from './config-option.js';

const USAGE = `speedledger peer rebuild-state --config FILE

Drops the peer's state database, history and indexes and replays them from its stored blocks
(their recorded validation codes). Run it with the peer stopped.

  --config FILE   peer config (JSON)`;

/** `speedledger peer rebuild-state`. */
export const rebuildStateCommand: PeerCliCommand = {
  path: ['peer', 'rebuild-state'],
  summary: 'Rebuild a stopped peer\'s state database from its block store',
  usage: USAGE,
  async run(args, io) {
    const file = configOption(args, io, USAGE);
    if (file === undefined) return 2;
    try {
      const config = await loadPeerConfig(file);
      const ledger = await PeerLedger.open(join(config.dataDir, 'ledger'), { channelId: config.channel.id });
      try {
        await ledger.rebuildState();
        io.stdout.write(`state rebuilt from ${ledger.height()} blocks\n`);
      } finally {
        await ledger.close();
      }
      return 0;
    } catch (error) {
      io.stderr.write(failureLine('peer rebuild-state', error));
      return 1;
    }
  },
};
