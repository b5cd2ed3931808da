/**
 * @speedledger/analytics: the auditor's re-execution of the approved LR package over the
 * ledger's own blocks (hash chain, 2f+1 orderer signatures, Fabric validation at each height,
 * meter registry at each height, bit-for-bit write-set comparison).
 */
export { AUDIT_FINDING_CODES, failsAudit, type AuditFinding, type AuditFindingCode, type AuditSeverity } from './audit/audit-finding.js';
export { AuditState } from './audit/audit-state.js';
export { Auditor, type AuditCheckpoint, type AuditorOptions, type AuditProgress, type AuditSummary, type DefinitionSpan } from './audit/auditor.js';
export { channelTrust, type ChannelTrust } from './audit/channel-trust.js';
export { parseEndorserTransaction, writesOf, type EndorserTransaction } from './audit/endorser-transaction.js';
export { carriedReadings, checkRecordedReadings, measurementKey, meterKey } from './audit/recorded-readings.js';
export { compareReexecution } from './audit/write-set-comparison.js';
export type { AppliedTransaction, PackageExecutor, Reexecution } from './audit/reexecution.js';
export { runAudit, type AuditInput, type AuditReport } from './audit/run-audit.js';
export { auditReportHtml } from './audit/report-html.js';
export { loadApprovedPackage, REEXECUTION_MODES, type LoadPackageOptions, type ReexecutionMode } from './adapters/approved-package.js';
export { loadApprovedPackagePool, type PackagePoolOptions } from './adapters/package-worker-pool.js';
export { blockStoreSource, deliverBlockSource, type BlockSource, type DeliverSourceOptions } from './adapters/block-sources.js';
export { AnalyticsError, ANALYTICS_ERROR_CODES, type AnalyticsErrorCode } from './errors/analytics-error.js';
export { surveil, type SurveillanceInput } from './surveillance/surveil.js';
export { DEFAULT_THRESHOLDS, clockDrift, invalidationRate, sequenceGaps, speedBias, type SurveillanceThresholds } from './surveillance/meter-detectors.js';
export { attempts } from './surveillance/attempt-detectors.js';
export { roadOf, type IngestRefusal, type InvalidTransaction, type ReadingObservation } from './surveillance/observations.js';
export { SURVEILLANCE_KINDS, type SurveillanceFinding, type SurveillanceKind } from './surveillance/surveillance-finding.js';
export type { StoredFinding, SurveillanceStore } from './surveillance/surveillance-store.js';
export { parseRefusalLine, type RefusalBatch, type RefusalProblem, type RefusalSource } from './surveillance/refusal-source.js';
export { observeBlock, type BlockObservations } from './surveillance/block-observations.js';
export { nextBlockOf, watchLedger, type WatchOptions } from './surveillance/watch-ledger.js';
export { openSqliteStore } from './adapters/sqlite-store.js';
export { jsonlRefusalSource } from './adapters/jsonl-refusal-source.js';
export { startDashboard, type Dashboard, type DashboardOptions } from './adapters/dashboard-server.js';
export { LedgerIndex, type IndexedBlock, type IndexedMeter, type IndexedTransaction } from './dashboard/ledger-index.js';
export { barChart, histogram, lineChart } from './dashboard/svg-charts.js';
