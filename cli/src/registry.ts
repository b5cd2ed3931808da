import { commands as analyticsCommands } from '@speedledger/analytics/cli';
import { commands as datasetCommands } from '@speedledger/datasets/cli';
import { commands as lrCommands } from '@speedledger/lr-chaincode/cli';
import { commands as networkCommands } from '@speedledger/network/cli';
import { commands as ordererCommands } from '@speedledger/orderer-bft/cli';
import { commands as peerCommands } from '@speedledger/peer/cli';
import { commands as ingestCommands } from '@speedledger/sensor-ingest/cli';
import type { CliCommand } from './command.js';

/** Every package's subcommands, in the order `--help` lists them. */
export function allCommands(): readonly CliCommand[] {
  return [...datasetCommands, ...lrCommands, ...ordererCommands, ...peerCommands, ...networkCommands, ...ingestCommands, ...analyticsCommands];
}
