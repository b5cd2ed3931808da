/** The orderer process runtime: storage, replica host, replica links, AtomicBroadcast gRPC, the operations HTTP server (shared with the peer). */
export { startOrdererNode, clusterGenesisData, type OrdererNodeOptions, type OrdererStatus, type RunningOrderer } from './orderer-node.js';
export {
  loadNodeConfig, parseNodeConfig, RUNTIME_TIMING, ALLOW_BYZANTINE_ENV, DEFAULT_MAX_ENVELOPE_BYTES, type ClusterMember, type FabricNodeConfig, type OrdererNodeConfig,
} from './node-config.js';
export { ReplicaHost, type ReplicaHostOptions, type ReplicaLag, type ReplicaTransport } from './replica-host.js';
export { createAtomicBroadcastService, broadcastStatus, ATOMIC_BROADCAST_SERVER_DEFINITION, type AtomicBroadcastHost } from './atomic-broadcast.js';
export { createProtoLedgerFormat, summariseEnvelope, type EnvelopeSummary, type ProtoLedgerOptions } from './proto-ledger-format.js';
export type { DeliverRefusal, LedgerFormat } from './ledger-format.js';
export { createEcdsaSigner, createEcdsaVerifier, generateEcdsaKeyPair } from './ecdsa-identity.js';
export { PeerLink } from './peer-link.js';
export { REPLICA_LINK_SERVICE } from './link-protocol.js';
export { ReplicaMetrics, type MetricsGauges } from './metrics.js';
export { startOperationsHttp, type HealthCheck, type OperationsEndpoints, type OperationsHttp } from './operations-http.js';
export { LogSpec } from './log-spec.js';
export { readVersionInfo, COMMIT_SHA_ENV, type VersionInfo } from './version-info.js';
export { EventLoopWatchdog, type EventLoopHealth, type EventLoopWatchdogOptions } from './event-loop-watchdog.js';
export { createJsonLogger, createStructuredLogger, type Logger, type LogLevel } from './logger.js';
export { WriteAheadLog } from './storage/write-ahead-log.js';
export { BlockStore } from './storage/block-store.js';
export { RuntimeError, RUNTIME_ERROR_CODES, type RuntimeErrorCode } from './runtime-error.js';
export {
  AtomicBroadcastClient, buildEnvelope, buildSeekEnvelope, createClientIdentity, type ClientIdentity, type EnvelopeSpec,
} from './broadcast-client.js';
export { createFabricIdentity, createFabricLedgerFormat, type FabricLedger } from './fabric-ledger-format.js';
export { createGarbageSigner, GARBAGE_SIGNATURE_MODES, type ByzantineConfig, type GarbageSignatures } from './byzantine-signer.js';
export {
  boundedDeserializer, boundedRawDeserializer, boundedRequestInterceptor, boundedServiceDefinition, largestLimit, refusedRequestInterceptor,
  RefusedRequest, setCallReceiveLimit,
  type RequestLimits,
} from './bounded-grpc.js';
export {
  LINK_FRAME_BYTES, LINK_HANDSHAKE_TIMEOUT_MS, LINK_HELLO_BYTES, linkFrameLimit, MAX_STREAMS_PER_CONNECTION, ordererRequestLimits,
  type LinkFrameSettings,
} from './request-limits.js';
export { pollUntil, waitFor } from './poll.js';
