/** Where a reading is in the ingest tier. `queued` also covers a reading waiting for a retry. */
export const READING_STATUSES = ['queued', 'submitted', 'committed', 'refused', 'parked'] as const;

/** One of {@link READING_STATUSES}. */
export type ReadingStatusName = (typeof READING_STATUSES)[number];

/** Statuses after which the workers never touch the reading again (unless replayed, for `parked`). */
export const TERMINAL_STATUSES: readonly ReadingStatusName[] = ['committed', 'refused', 'parked'];

/** What `GET /v1/readings/:meterId/:seq` reports. Absent fields do not apply to the status. */
export interface ReadingStatus {
  readonly meterId: string;
  readonly seq: string;
  readonly rawSha256: string;
  readonly status: ReadingStatusName;
  /** ms since the epoch when the API first accepted it. */
  readonly receivedAt: number;
  readonly attempts: number;
  readonly transactionId?: string;
  readonly blockNumber?: string;
  readonly verdict?: 'ACCEPTED' | 'INVALIDATED';
  readonly speedCentiKmh?: number | null;
  readonly reason?: string | null;
  /** Chaincode code for `refused` (or `CONFLICTING_RECORD` when the ledger holds other bytes). */
  readonly code?: string;
  readonly detail?: string;
  /** Last transient cause (retry or park). */
  readonly cause?: string;
  readonly committedAt?: number;
  /** true when the ledger already held this reading (a retry after an unknown outcome). */
  readonly alreadyCommitted?: boolean;
}

/** The 202 body: what a meter keeps as its proof of hand-off. */
export interface Receipt {
  readonly meterId: string;
  readonly seq: string;
  readonly rawSha256: string;
  readonly status: ReadingStatusName;
}

/** Latency histogram bucket upper bounds (seconds), receipt to commit. */
export const LATENCY_BUCKETS_S = [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600] as const;

/** The bucket label a latency falls in (`+Inf` past the last bound). */
export function latencyBucket(latencyMs: number): string {
  const seconds = latencyMs / 1000;
  const bound = LATENCY_BUCKETS_S.find((b) => seconds <= b);
  return bound === undefined ? '+Inf' : String(bound);
}
