import type { ContractErrorCode, MeasurementRecord, MeterRecord } from '@speedledger/lr-chaincode/contract';
import type { SiteParameters } from '@speedledger/lr-chaincode/core';
import type { ChaincodeEventsRequest, ChaincodeEventStream } from './events/chaincode-events.js';

/** A chaincode argument: text, or raw bytes passed unchanged (e.g. a DLR1 reading). */
export type LedgerArgument = string | Uint8Array;

/** A committed (VALID) transaction and the chaincode's return value. */
export interface Committed<T> {
  readonly transactionId: string;
  readonly blockNumber: bigint;
  readonly result: T;
}

/** A reading committed by `SubmitReading`: its transaction, block and ledger record. */
export interface SubmittedReading {
  readonly transactionId: string;
  readonly blockNumber: bigint;
  readonly measurement: MeasurementRecord;
}

/** One item's outcome in a `SubmitReadings` batch (items are judged independently). */
export type BatchItemResult =
  | { readonly index: number; readonly status: 'recorded'; readonly record: MeasurementRecord }
  | {
      readonly index: number;
      readonly status: 'refused';
      readonly code: ContractErrorCode;
      readonly detail: string;
      readonly meterId?: string;
      readonly seq?: string;
    };

/** A committed batch: one result per reading, in the order given. */
export interface SubmittedBatch {
  readonly transactionId: string;
  readonly blockNumber: bigint;
  readonly results: readonly BatchItemResult[];
}

/** A page of a list query; an empty `bookmark` means this is the last page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly bookmark: string;
}

/** Paging for list queries. */
export interface PageRequest {
  /** 1..the chaincode's maximum; the chaincode's default when absent. */
  readonly pageSize?: number;
  readonly bookmark?: string;
}

/** Time window in µs since the Unix epoch, `[fromUs, toUs)`; absent ends are open. */
export interface TimeWindow {
  readonly fromUs?: bigint;
  readonly toUs?: bigint;
}

/** Per-call routing for {@link LedgerClient.evaluate} / {@link LedgerClient.submit}. */
export interface CallOptions {
  /** Chaincode to call (default: the client's, e.g. `lr-chaincode`; `_lifecycle` for lifecycle). */
  readonly chaincode?: string;
}

/**
 * The speedledger ledger, whichever Fabric client library carries the calls. Every failure is
 * a `LedgerError` with a stable code; submissions resolve only after the transaction committed
 * VALID on the client's peer.
 */
export interface LedgerClient {
  /** Registers a meter (caller: registrar of a notified body). */
  registerMeter(meterId: string, publicKeyHex: string, site: SiteParameters): Promise<Committed<MeterRecord>>;
  /** Revokes a meter for good (caller: registrar of a notified body). */
  revokeMeter(meterId: string, reason: string): Promise<Committed<MeterRecord>>;
  /** The meter record; CONTRACT_REJECTED with contractCode NOT_FOUND when absent. */
  getMeter(meterId: string): Promise<MeterRecord>;
  /** Submits one signed DLR1 reading (raw bytes) and waits for its commit. */
  submitReading(dlr1: Uint8Array): Promise<SubmittedReading>;
  /** Submits 1..`MAX_BATCH` readings in one transaction; refusals are per item, not errors. */
  submitReadings(batch: readonly Uint8Array[]): Promise<SubmittedBatch>;
  /** The record of reading (meterId, seq). */
  getMeasurement(meterId: string, seq: bigint | string): Promise<MeasurementRecord>;
  /** One meter's records in t0 order within a time window. */
  listMeasurements(meterId: string, window?: TimeWindow, page?: PageRequest): Promise<Page<MeasurementRecord>>;
  /** Violations of all meters in t0 order within a time window. */
  listViolations(window?: TimeWindow, page?: PageRequest): Promise<Page<MeasurementRecord>>;
  /** Evaluates any chaincode function (`Contract:Function` for named contracts) on one peer. */
  evaluate(fn: string, args: readonly LedgerArgument[], options?: CallOptions): Promise<Uint8Array>;
  /** Submits any chaincode function and waits for its VALID commit. */
  submit(fn: string, args: readonly LedgerArgument[], options?: CallOptions): Promise<Committed<Uint8Array>>;
  /**
   * Follows the chaincode's events (`MeterRegistered`, `MeterRevoked`, `ReadingsSubmitted`, …) of
   * VALID transactions as the client's peer commits them; see {@link ChaincodeEventStream}.
   */
  chaincodeEvents(request?: ChaincodeEventsRequest): Promise<ChaincodeEventStream>;
  /** Closes the connection; calls after close fail. Idempotent. */
  close(): Promise<void>;
}

/** Options shared by both adapters. */
export interface ConnectOptions {
  /** Path of a JSON common connection profile, or the parsed profile. */
  readonly connectionProfile: string | Record<string, unknown>;
  readonly mspId: string;
  /** Client certificate and key (PEM); alternatively `mspDir`. */
  readonly certPem?: string;
  readonly privateKeyPem?: string;
  /** An MSP directory with `signcerts/` and `keystore/` (Fabric / cryptogen layout). */
  readonly mspDir?: string;
  /** Default `speedledger`. */
  readonly channel?: string;
  /** Default `lr-chaincode`. */
  readonly chaincode?: string;
  /** Name of the profile's peer to talk to; default: the first peer of the client's organisation. */
  readonly peer?: string;
  /** Per-stage deadlines in ms (defaults: evaluate 10 s, endorse 30 s, submit 10 s, commit 60 s). */
  readonly timeouts?: Partial<StageTimeouts>;
}

/** Deadlines in milliseconds. */
export interface StageTimeouts {
  readonly evaluateMs: number;
  readonly endorseMs: number;
  readonly submitMs: number;
  readonly commitMs: number;
}

/** Defaults for {@link ConnectOptions.timeouts}. */
export const DEFAULT_TIMEOUTS: StageTimeouts = { evaluateMs: 10_000, endorseMs: 30_000, submitMs: 10_000, commitMs: 60_000 };
