import { channelFetchCommand, channelGetInfoCommand } from './channel-commands.js';
import { chaincodeApproveCommand, chaincodeCommitCommand, chaincodeFingerprintCommand, chaincodeListCommand } from './chaincode-commands.js';
import {
  chaincodeCheckCommitReadinessCommand, chaincodeQueryApprovedCommand, chaincodeQueryCommittedCommand, chaincodeQueryInstalledCommand,
} from './chaincode-query-commands.js';
import { readingListCommand, violationListCommand } from './reading-list-commands.js';
import { downCommand, logsCommand, statusCommand, upCommand } from './lifecycle-commands.js';
import { meterRegisterCommand, meterRevokeCommand, meterShowCommand } from './meter-commands.js';
import { readingShowCommand, readingSubmitCommand } from './reading-commands.js';
import type { NetworkCliCommand } from './cli-support.js';

/** The network's `speedledger` subcommands. */
export const commands: readonly NetworkCliCommand[] = [
  upCommand, downCommand, statusCommand, logsCommand,
  chaincodeApproveCommand, chaincodeCommitCommand, chaincodeListCommand, chaincodeFingerprintCommand,
  chaincodeQueryInstalledCommand, chaincodeQueryApprovedCommand, chaincodeCheckCommitReadinessCommand, chaincodeQueryCommittedCommand,
  meterRegisterCommand, meterRevokeCommand, meterShowCommand,
  readingSubmitCommand, readingShowCommand, readingListCommand, violationListCommand,
  channelGetInfoCommand, channelFetchCommand,
];
export { defaultDataDir, type NetworkCliCommand, type NetworkCliIo } from './cli-support.js';
export { formatStatus } from './lifecycle-commands.js';
export { createUpCommand } from './up-extension.js';
export type { UpExtension } from './up-extension.js';
