/** The channel's configuration as the peer reads it from a config block: members, consenters, policies. */
export { ChannelError, CHANNEL_ERROR_CODES, type ChannelErrorCode } from './channel-error.js';
export { parseChannelPolicy, type ChannelPolicy, type ImplicitMetaRule } from './channel-policy.js';
export { readPeerChannelConfig, APPLICATION_GROUP, CHANNEL_ROOT, type PeerChannelConfig } from './peer-channel-config.js';
export { channelMspManager } from './channel-msp.js';
