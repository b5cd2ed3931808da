/** The peer process: config, composition of ledger, committer, endorser and services, operations endpoint. */
export { startPeerNode, type EndorserEnvironment, type PeerNodeParts, type RunningPeer } from './peer-node.js';
export { loadPeerConfig, parsePeerConfig, type GatewayPeerConfig, type PeerNodeConfig } from './peer-config.js';
export { PeerNodeError, PEER_NODE_ERROR_CODES, type PeerNodeErrorCode } from './peer-node-error.js';
export { loadChannelContext, type ChannelContext } from './channel-context.js';
export { createChaincodeResolver, installRootOf, labelNames, type ChaincodeResolverOptions, type PackageVerdict } from './chaincode-resolver.js';
export { createRefusalRecorder, type RefusalRecorderOptions } from './refusal-recorder.js';
export { buildOwnProposal, endorseOwnTransaction, type OwnProposal } from './own-transaction.js';
export { createRequestAuthorizer, CHANNEL_READERS_POLICY, CHANNEL_WRITERS_POLICY, type RequestAuthorizerOptions } from './request-authorizer.js';
export { committedBlocks, validationContext } from './ledger-services.js';
export { startPeerGrpcServer, type PeerServices } from './peer-grpc-server.js';
export { ordererBroadcaster, remoteEndorser } from './remote-clients.js';
export { PeerMetrics } from './peer-metrics.js';
export { chaincodeStatuses, type ChaincodeStatus, type PeerStatus } from './peer-status.js';
