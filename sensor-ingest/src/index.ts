/**
 * @speedledger/sensor-ingest: the city operator's intake. A Fastify API takes signed DLR1
 * readings, checks them at the edge against a cache of the ledger's meter registry, stores them
 * durably in Redis (AOF, fsync always) before answering 202, and BullMQ workers commit them in
 * `SubmitReadings` batches through `@speedledger/ledger-client`, exactly once.
 */
export { IngestError, INGEST_ERROR_CODES, type IngestErrorCode } from './errors/ingest-error.js';
export { identifyBytes, identityOf, parseReadingKey, readingKey, sha256Hex, type ReadingIdentity } from './reading/reading-identity.js';
export { BATCH_CONTENT_TYPE, READING_CONTENT_TYPE, decodeBatch, encodeBatch } from './reading/batch-framing.js';
export { decodeAtEdge, judgeAtEdge, type EdgeMeter, type EdgeRefusalCode, type EdgeVerdict } from './edge/edge-verdict.js';
export { MeterRegistryCache, type RegistryCacheOptions } from './edge/meter-registry-cache.js';
export type { ReadingLedger, RegistryEvent, RegistryEvents } from './ledger/reading-ledger.js';
export { READING_STATUSES, TERMINAL_STATUSES, LATENCY_BUCKETS_S, type ReadingStatus, type ReadingStatusName, type Receipt } from './store/reading-status.js';
export { ReadingStore, type AcceptOutcome, type ConflictEvidence, type Finish } from './store/reading-store.js';
export { DURABLE_REDIS_SETTINGS, redisConfText, redisServerArgs, type RedisServerOptions } from './runtime/redis-config.js';
export { buildApi, DEFAULT_API_LIMITS, type ApiDeps, type ApiLimits } from './api/build-api.js';
export { ReadingIntake, type IntakeDeps, type IntakeLimits, type IntakeResult } from './api/reading-intake.js';
export { OperatorKeys, bearerKey, hashApiKey, newApiKey } from './auth/operator-keys.js';
export { renderMetrics, type MetricsInput } from './metrics/prometheus-text.js';
export { IngestQueue, QUEUE_NAME, type ReadingJobData } from './queue/ingest-queue.js';
export { inlineJobSpec, ADD_READING_JOB_LUA, INLINE_JOB_KEY_COUNT, type InlineJobSpec } from './queue/inline-job.js';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './worker/backoff.js';
export { selectBatch, type Waiting } from './worker/batch-selection.js';
export { classifyFailure, type FailureClass } from './worker/failure-class.js';
export { ReadingBatcher, RetryLater, type BatcherOptions } from './worker/reading-batcher.js';
export { startIngestWorker, DEFAULT_BATCHER, type IngestWorker, type WorkerOptions } from './worker/ingest-worker.js';
export { followRegistryEvents, registryEventOf, type ChaincodeEventSource, type FollowOptions } from './runtime/registry-event-follower.js';
export { startIngestService, redisConnection, type IngestService, type IngestServiceOptions, type ServiceWorker } from './runtime/ingest-service.js';
export { FEED_PROFILES, firstSeqAt, parseDuration, parseSpeed, saoPauloTime, type FeedPlan, type FeedProfile } from './feed/feed-plan.js';
export { decideHandoff, retryAfterMs, DEFAULT_METER_RETRY, type HandoffAnswer, type HandoffDecision, type MeterRetryPolicy } from './feed/meter-retry.js';
export { percentile, reconcileFeed, type FedReading, type FeedReconciliation } from './feed/feed-reconciliation.js';
export { IngestHttpClient } from './adapters/ingest-http-client.js';
export { runFeed, type FeedFigures, type FeedOptions, type FeedProgress, type FeedResult } from './runtime/fleet-feeder.js';
