import { commands as analyticsCommands } from '@speedledger/analytics/cli';
import { commands as datasetCommands } from '@speedledger/datasets/cli';
import { commands as lrCommands } from '@speedledger/lr-chaincode/cli';
import { commands as networkCommands } from '@speedledger/network/cli';
import { commands as ordererCommands } from '@speedledger/orderer-bft/cli';
import { commands as peerCommands } from '@speedledger/peer/cli';
import { commands as ingestCommands } from '@speedledger/sensor-ingest/cli';
import type { CliCommand } from './command.js';
import { upWithServices } from './up-services.js';

/** Every package's subcommands, in the order `--help` lists them. */
export function allCommands(): readonly CliCommand[] {
  // The network's `up`, plus the ingest tier and the dashboard (network must not depend on them).
  const network = networkCommands.map((c) => (c.path.length === 1 && c.path[0] === 'up' ? upWithServices() : c));
  return [...datasetCommands, ...lrCommands, ...ordererCommands, ...peerCommands, ...network, ...ingestCommands, ...analyticsCommands];
}
