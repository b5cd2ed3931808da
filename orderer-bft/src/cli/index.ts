/** `speedledger orderer …` subcommands (exported as `commands` for the speedledger CLI). */
import { initClusterCommand } from './init-cluster-command.js';
import { startCommand } from './start-command.js';
import type { OrdererCliCommand } from './command.js';

export const commands: readonly OrdererCliCommand[] = [startCommand, initClusterCommand];
export { writeClusterConfigs, freePorts, type ClusterSpec } from './init-cluster-command.js';
export type { OrdererCliCommand } from './command.js';
