import { common, msp } from '@hyperledger/fabric-protos';
import { readChannelConfig, type ChannelConfig } from '@speedledger/orderer-bft';
import { ChannelError } from './channel-error.js';
import { parseChannelPolicy, type ChannelPolicy } from './channel-policy.js';
import { decodeBounded } from '@speedledger/orderer-bft';

/** The root group's name in policy paths, as Fabric's policy manager names it. */
export const CHANNEL_ROOT = '/Channel';
/** Path of the Application group. */
export const APPLICATION_GROUP = '/Channel/Application';

/**
 * What a peer needs from a channel's config block: everything orderer-bft's
 * {@link readChannelConfig} reads (channel id, application and orderer organisations with their
 * root CAs, consenters and endpoints, batch parameters) plus every policy of the config tree by
 * path and the group structure ImplicitMeta policies are evaluated over.
 */
export interface PeerChannelConfig extends ChannelConfig {
  /**
   * Every policy in the config by path, e.g. `/Channel/Application/Endorsement`,
   * `/Channel/Application/InmetroMSP/Endorsement`, `/Channel/Orderer/BlockValidation`.
   */
  readonly policies: ReadonlyMap<string, ChannelPolicy>;
  /** Child group names by group path (`/Channel` → `Application`, `Orderer`), in config order. */
  readonly groups: ReadonlyMap<string, readonly string[]>;
  /** MSP id → path of its group under `/Channel/Application` (group names need not equal MSP ids). */
  readonly applicationGroupByMsp: ReadonlyMap<string, string>;
}

function collect(group: common.ConfigGroup, path: string, policies: Map<string, ChannelPolicy>, groups: Map<string, string[]>): void {
  group.getPoliciesMap().forEach((entry: common.ConfigPolicy, name: string) => {
    const policy = entry.getPolicy();
    if (policy === undefined) throw new ChannelError('INVALID_CONFIG_BLOCK', `policy ${path}/${name} has no value`, { path: `${path}/${name}` });
    policies.set(`${path}/${name}`, parseChannelPolicy(policy, `${path}/${name}`));
  });
  const children: string[] = [];
  group.getGroupsMap().forEach((child: common.ConfigGroup, name: string) => {
    children.push(name);
    collect(child, `${path}/${name}`, policies, groups);
  });
  groups.set(path, children);
}

function mspIdOfGroup(group: common.ConfigGroup): string | undefined {
  // The MSP value is already validated by readChannelConfig; here only its name is needed.
  const value = group.getValuesMap().get('MSP');
  if (value === undefined) return undefined;
  const config = decodeBounded(msp.MSPConfig, value.getValue_asU8());
  return decodeBounded(msp.FabricMSPConfig, config.getConfig_asU8()).getName();
}

/**
 * Reads a channel config block for the peer. Throws {@link ChannelError} INVALID_CONFIG_BLOCK
 * (with orderer-bft's FabricError as cause when that layer refused it) for anything unusable.
 */
export function readPeerChannelConfig(configBlock: common.Block): PeerChannelConfig {
  let base: ChannelConfig;
  try {
    base = readChannelConfig(configBlock);
  } catch (cause) {
    throw new ChannelError('INVALID_CONFIG_BLOCK', `not a usable config block: ${(cause as Error).message}`, {}, cause);
  }
  // readChannelConfig has walked the same path successfully, so these parses cannot fail.
  const envelope = decodeBounded(common.Envelope, configBlock.getData()!.getDataList_asU8()[0]!);
  const payload = decodeBounded(common.Payload, envelope.getPayload_asU8());
  const root = decodeBounded(common.ConfigEnvelope, payload.getData_asU8()).getConfig()!.getChannelGroup()!;
  const policies = new Map<string, ChannelPolicy>();
  const groups = new Map<string, string[]>();
  collect(root, CHANNEL_ROOT, policies, groups);
  const applicationGroupByMsp = new Map<string, string>();
  root.getGroupsMap().get('Application')?.getGroupsMap().forEach((group: common.ConfigGroup, name: string) => {
    const mspId = mspIdOfGroup(group);
    if (mspId !== undefined) applicationGroupByMsp.set(mspId, `${APPLICATION_GROUP}/${name}`);
  });
  return { ...base, policies, groups, applicationGroupByMsp };
}
