/** `speedledger peer …` subcommands (exported as `commands` for the speedledger CLI). */
import type { PeerCliCommand } from './command.js';
import { rebuildStateCommand } from './rebuild-state-command.js';
import { startCommand } from './start-command.js';

export const commands: readonly PeerCliCommand[] = [startCommand, rebuildStateCommand];
export type { PeerCliCommand, PeerCliIo } from './command.js';
