import { generateCommand } from './generate-command.js';

/** `speedledger dataset …` subcommands. */
export const commands = [generateCommand];
