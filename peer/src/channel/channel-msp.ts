import { createMspManager, type MspManager, type MspManagerOptions } from '../msp/index.js';
import type { PeerChannelConfig } from './peer-channel-config.js';

/**
 * The channel's MSP manager: every application and orderer organisation with its root CAs, as
 * Fabric's channel MSP manager holds them (orderers sign blocks, application members transact).
 */
export function channelMspManager(config: Pick<PeerChannelConfig, 'organizations' | 'ordererOrganizations'>, options?: MspManagerOptions): MspManager {
  return createMspManager([...config.organizations, ...config.ordererOrganizations], options);
}
