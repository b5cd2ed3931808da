/** The ingest tier's `speedledger` subcommands (`ingest serve`, `ingest replay`, `ingest show`, `ingest key create`, `feed`). */
import type { IngestCliCommand } from './cli-support.js';
import { keyCreateCommand, replayCommand, showCommand } from './operator-commands.js';
import { serveCommand } from './serve-command.js';
import { feedCommand } from './feed-command.js';

/** Every `speedledger ingest …` command. */
export const commands: readonly IngestCliCommand[] = [serveCommand, replayCommand, showCommand, keyCreateCommand, feedCommand];
export type { IngestCliCommand, IngestCliIo } from './cli-support.js';
