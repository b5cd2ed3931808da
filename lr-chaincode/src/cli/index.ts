import { measureCommand } from './measure-command.js';

/** `speedledger measure` and the other auditor subcommands. */
export const commands = [measureCommand];
export { measureCommand, measureReadingBytes, type MeasureIo } from './measure-command.js';
