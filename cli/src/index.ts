export { main } from './main.js';
export { allCommands } from './registry.js';
export type { CliCommand, CliIo } from './command.js';
