/** One measurement record as committed, with what surveillance needs around it. */
export interface ReadingObservation {
  readonly meterId: string;
  /** uint64 decimal string. */
  readonly seq: string;
  /** Meter clock, µs since the epoch (decimal string). */
  readonly t0Us: string;
  /** The transaction's (proposal) time, ms since the epoch: the ledger's clock. */
  readonly txTimeMs: number;
  readonly verdict: 'ACCEPTED' | 'INVALIDATED';
  readonly reason: string | null;
  readonly speedCentiKmh: number | null;
  readonly speedLimitKmh: number;
  /** Whether the record counts as a violation (considered speed above the limit). */
  readonly violation?: boolean;
  /** The road part of the registered site location (text before the first comma). */
  readonly road: string;
  readonly blockNumber: number;
  readonly txId: string;
  readonly endorsers: readonly string[];
}

/** A transaction the committers invalidated: a replay, conflict or endorsement problem. */
export interface InvalidTransaction {
  readonly blockNumber: number;
  readonly txId: string;
  /** `peer.TxValidationCode` name, e.g. MVCC_READ_CONFLICT. */
  readonly code: string;
  readonly creatorMspId: string;
  readonly txTimeMs: number;
}

/** A reading the ingest tier (or a gateway) refused before it reached a block. */
export interface IngestRefusal {
  /** ms since the epoch. */
  readonly atMs: number;
  /** The chaincode's or gateway's code: BAD_SIGNATURE, REPLAYED_SEQ, UNKNOWN_METER, ENDORSEMENT_MISMATCH, … */
  readonly code: string;
  readonly meterId?: string;
  readonly seq?: string;
  readonly txId?: string;
  readonly detail?: string;
}

/** The road of a site location such as `Av. Paulista, 1000 — sentido centro, faixa 2`. */
export function roadOf(location: string): string {
  return location.split(',')[0]!.trim();
}
