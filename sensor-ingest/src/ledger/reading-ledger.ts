import type { MeasurementRecord, MeterRecord } from '@speedledger/lr-chaincode/contract';
import type { SubmittedBatch } from '@speedledger/ledger-client';

/**
 * The part of `@speedledger/ledger-client`'s `LedgerClient` the ingest tier uses. A real
 * `LedgerClient` (fabric-gateway or fabric-network adapter) satisfies it as is; Redis-only tests
 * inject an in-memory stand-in. Failures are `LedgerError`s.
 */
export interface ReadingLedger {
  submitReadings(batch: readonly Uint8Array[]): Promise<SubmittedBatch>;
  getMeasurement(meterId: string, seq: bigint | string): Promise<MeasurementRecord>;
  getMeter(meterId: string): Promise<MeterRecord>;
}

/** A registry change the ledger announced (chaincode events `MeterRegistered` / `MeterRevoked`). */
export interface RegistryEvent {
  readonly name: 'MeterRegistered' | 'MeterRevoked';
  readonly meterId: string;
}

/**
 * A source of registry events; `close` stops delivery. `onError` reports a lost stream (the
 * source reconnects by itself); `onResync` says events may have been missed (reconnected without
 * a known position), so everything cached from the registry must be re-read.
 */
export interface RegistryEvents {
  subscribe(onEvent: (event: RegistryEvent) => void, onError: (error: unknown) => void, onResync?: () => void): Promise<{ close(): void }>;
}
