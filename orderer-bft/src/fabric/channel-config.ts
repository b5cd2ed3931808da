import { common, msp, orderer } from '@hyperledger/fabric-protos';
import type { ChannelMembers, ChannelOrganization } from './channel-members.js';
import { nodeOusOf, rolesOfPolicy } from './channel-roles.js';
import { CONFIG_KEYS, type BatchParameters } from './config-values.js';
import { decodeOrderers, type ConsenterEndpoint } from './consenter-mapping.js';
import { parseDuration } from './duration.js';
import { FabricError } from './errors.js';
import { parseLenient } from './proto-parse.js';

/** An application organisation as the channel config defines it. */
export interface ApplicationOrganization extends ChannelOrganization {
  readonly adminCertsPem: readonly string[];
  readonly tlsRootCertsPem: readonly string[];
}

/** An orderer organisation with its endpoints. */
export interface OrdererOrganization extends ChannelOrganization {
  readonly endpoints: readonly string[];
}

/** What the runtime and peers need from a channel's config block. */
export interface ChannelConfig extends ChannelMembers {
  readonly channelId: string;
  /** Application organisations: the ones whose clients may submit transactions. */
  readonly organizations: readonly ApplicationOrganization[];
  readonly ordererOrganizations: readonly OrdererOrganization[];
  /** The BFT consenter mapping, in config order (= the core's replica order). */
  readonly consenters: readonly ConsenterEndpoint[];
  /** Signatures a block needs: Fabric's ⌈(n + f + 1) / 2⌉ (2f+1 for n = 3f+1). */
  readonly quorum: number;
  readonly batch: BatchParameters & { readonly timeoutMs: number };
  readonly consensusType: string;
  /** Channel-level capabilities, e.g. ["V3_0"]. */
  readonly capabilities: readonly string[];
  readonly hashingAlgorithm: string;
  /** Number of the config block this was read from. */
  readonly configBlockNumber: number;
}

function fail(message: string, ids: Record<string, string | number> = {}): never {
  throw new FabricError('INVALID_CONFIG_BLOCK', message, ids);
}

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) fail(`config block: ${what} is missing or malformed`);
  return value;
}

function value(group: common.ConfigGroup, key: string, where: string): Uint8Array {
  return must(group.getValuesMap().get(key), `${where}/${key}`).getValue_asU8();
}

const text = (bytes: Uint8Array | string): string => (typeof bytes === 'string' ? Buffer.from(bytes, 'base64').toString('utf8') : new TextDecoder().decode(bytes));

/** `{ [key]: value }`, or nothing when value is undefined (exactOptionalPropertyTypes). */
const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } => (value === undefined ? {} : { [key]: value } as { [P in K]?: V });

function mspOf(group: common.ConfigGroup, where: string): { mspId: string; config: msp.FabricMSPConfig } {
  const wrapper = must(parseLenient(msp.MSPConfig, value(group, CONFIG_KEYS.msp, where)), `${where}/MSP`);
  if (wrapper.getType() !== 0) fail(`${where}: only FABRIC (X.509) MSPs are supported`);
  const config = must(parseLenient(msp.FabricMSPConfig, wrapper.getConfig_asU8()), `${where}/MSP config`);
  if (config.getName() === '' || config.getRootCertsList().length === 0) fail(`${where}: MSP without name or root certificates`);
  return { mspId: config.getName(), config };
}

/**
 * Reads a channel config block (the genesis block or a later config block): channel id,
 * organisations with their root CAs, the BFT consenters with identities and endpoints, and the
 * batch parameters. Throws INVALID_CONFIG_BLOCK when the block is not a usable BFT config.
 */
export function readChannelConfig(block: common.Block): ChannelConfig {
  const data = must(block.getData(), 'block data').getDataList_asU8();
  if (data.length !== 1) fail(`a config block holds exactly one envelope, this one ${data.length}`);
  const envelope = must(parseLenient(common.Envelope, data[0]!), 'envelope');
  const payload = must(parseLenient(common.Payload, envelope.getPayload_asU8()), 'payload');
  const channelHeader = must(parseLenient(common.ChannelHeader, must(payload.getHeader(), 'payload header').getChannelHeader_asU8()), 'channel header');
  if (channelHeader.getType() !== common.HeaderType.CONFIG) fail(`envelope type ${channelHeader.getType()} is not CONFIG`);
  const configEnvelope = must(parseLenient(common.ConfigEnvelope, payload.getData_asU8()), 'config envelope');
  const root = must(configEnvelope.getConfig()?.getChannelGroup(), 'channel group');

  const hashing = must(parseLenient(common.HashingAlgorithm, value(root, CONFIG_KEYS.hashingAlgorithm, 'Channel')), 'HashingAlgorithm');
  const capabilities = must(parseLenient(common.Capabilities, value(root, CONFIG_KEYS.capabilities, 'Channel')), 'Capabilities');
  const ordererGroup = must(root.getGroupsMap().get(CONFIG_KEYS.ordererGroup), 'Orderer group');
  const applicationGroup = must(root.getGroupsMap().get(CONFIG_KEYS.applicationGroup), 'Application group');

  const consensus = must(parseLenient(orderer.ConsensusType, value(ordererGroup, CONFIG_KEYS.consensusType, 'Orderer')), 'ConsensusType');
  const size = must(parseLenient(orderer.BatchSize, value(ordererGroup, CONFIG_KEYS.batchSize, 'Orderer')), 'BatchSize');
  const timeout = must(parseLenient(orderer.BatchTimeout, value(ordererGroup, CONFIG_KEYS.batchTimeout, 'Orderer')), 'BatchTimeout').getTimeout();
  const timeoutMs = must(parseDuration(timeout), `batch timeout '${timeout}'`);
  const consenters = must(decodeOrderers(value(ordererGroup, CONFIG_KEYS.orderers, 'Orderer')), 'Orderers');
  if (consenters.length === 0) fail('no consenters in the Orderers value');

  const organizations: ApplicationOrganization[] = [];
  applicationGroup.getGroupsMap().forEach((group: common.ConfigGroup, name: string) => {
    const { mspId, config } = mspOf(group, `Application/${name}`);
    organizations.push({
      mspId,
      rootCertsPem: config.getRootCertsList().map(text),
      adminCertsPem: config.getAdminsList().map(text),
      tlsRootCertsPem: config.getTlsRootCertsList().map(text),
      ...optional('nodeOus', nodeOusOf(config)),
      ...optional('readerRoles', rolesOfPolicy(group.getPoliciesMap().get(CONFIG_KEYS.readers), mspId)),
      ...optional('writerRoles', rolesOfPolicy(group.getPoliciesMap().get(CONFIG_KEYS.writers), mspId)),
    });
  });
  const ordererOrganizations: OrdererOrganization[] = [];
  ordererGroup.getGroupsMap().forEach((group: common.ConfigGroup, name: string) => {
    const { mspId, config } = mspOf(group, `Orderer/${name}`);
    const endpointsValue = group.getValuesMap().get(CONFIG_KEYS.endpoints);
    const endpoints = endpointsValue === undefined ? [] : must(parseLenient(common.OrdererAddresses, endpointsValue.getValue_asU8()), 'Endpoints').getAddressesList();
    ordererOrganizations.push({ mspId, rootCertsPem: config.getRootCertsList().map(text), endpoints });
  });

  const n = consenters.length;
  const f = Math.floor((n - 1) / 3);
  return {
    channelId: channelHeader.getChannelId(),
    organizations,
    ordererOrganizations,
    consenters,
    quorum: Math.ceil((n + f + 1) / 2),
    batch: {
      maxMessageCount: size.getMaxMessageCount(),
      absoluteMaxBytes: size.getAbsoluteMaxBytes(),
      preferredMaxBytes: size.getPreferredMaxBytes(),
      timeout,
      timeoutMs,
    },
    consensusType: consensus.getType(),
    capabilities: [...capabilities.getCapabilitiesMap().keys()].map(String).sort(),
    hashingAlgorithm: hashing.getName(),
    configBlockNumber: must(block.getHeader(), 'block header').getNumber(),
  };
}
