/** The analytics package's `speedledger` subcommands. */
import { auditCommand } from './audit-command.js';
import { serveCommand } from './serve-command.js';
import { watchCommand } from './watch-command.js';
import type { AnalyticsCliCommand } from './cli-types.js';

export type { AnalyticsCliCommand, AnalyticsCliIo } from './cli-types.js';
export const commands: readonly AnalyticsCliCommand[] = [auditCommand, watchCommand, serveCommand];
