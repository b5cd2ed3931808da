import { measureCommand } from './measure-command.js';

/** `speedledger measure` and the other auditor subcommands. */
export const commands = [measureCommand];
export { fixedSiteLookup, measureCommand, measureReadingBytes, registryLookup, type MeasureIo, type MeterLookup } from './measure-command.js';
export { parseFleetRegistry, type RegisteredMeter } from './fleet-registry.js';
