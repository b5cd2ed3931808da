import type { IngestRefusal, InvalidTransaction, ReadingObservation } from './observations.js';
import type { SurveillanceFinding } from './surveillance-finding.js';

/** A finding as kept: when it was first and last seen, and whether the latest run still shows it. */
export interface StoredFinding extends SurveillanceFinding {
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  readonly active: boolean;
}

/**
 * Where the surveillance worker keeps what it saw and found. SQLite (`openSqliteStore`) by
 * default; anything implementing this works (tests, another database). Adds are idempotent:
 * re-reading a block or a refusal file stores nothing twice.
 */
export interface SurveillanceStore {
  addObservations(observations: readonly ReadingObservation[]): void;
  addInvalid(transactions: readonly InvalidTransaction[]): void;
  addRefusals(refusals: readonly IngestRefusal[]): void;
  /** meterId → registered site location (from the registry writes seen in blocks). */
  setMeterLocation(meterId: string, location: string): void;
  meterLocation(meterId: string): string | undefined;
  observations(): ReadingObservation[];
  invalid(): InvalidTransaction[];
  refusals(): IngestRefusal[];
  /** Replaces the active set: new keys are inserted, known ones updated, missing ones marked inactive. */
  saveFindings(findings: readonly SurveillanceFinding[], nowMs: number): void;
  findings(options?: { readonly activeOnly?: boolean }): StoredFinding[];
  /** A named position (next block, refusal file offset…). */
  getCursor(name: string): string | undefined;
  setCursor(name: string, value: string): void;
  close(): void;
}
