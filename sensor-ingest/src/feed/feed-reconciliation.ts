import type { ReadingStatus } from '../store/reading-status.js';

/** One reading the feeder generated and what its hand-off came to. */
export interface FedReading {
  readonly meterId: string;
  readonly seq: string;
  readonly rawSha256: string;
  /** `accepted`: a 202 receipt; `refused`: a 4xx the meter cannot fix; `undelivered`: still held by the meter when the run ended. */
  readonly handoff: 'accepted' | 'refused' | 'undelivered';
  /** The API's code for a refused hand-off (MALFORMED, BAD_SIGNATURE, SEQ_CONFLICT, …). */
  readonly edgeCode?: string;
  /** The receipt's rawSha256 (a receipt for other bytes is a loss of these). */
  readonly receiptSha256?: string;
}

/** Every generated reading accounted for. */
export interface FeedReconciliation {
  readonly generated: number;
  readonly accepted: number;
  readonly committed: number;
  readonly verdicts: Readonly<Record<string, number>>;
  /** Refused by the chaincode, by code. */
  readonly refused: Readonly<Record<string, number>>;
  /** Refused at the API edge, by code. */
  readonly edgeRefused: Readonly<Record<string, number>>;
  /** Parked by the workers (needs `speedledger ingest replay`), by cause. */
  readonly parked: Readonly<Record<string, number>>;
  /** Accepted and still queued / submitted when the check ran. */
  readonly pending: number;
  /** Still held by a meter (never got a receipt). */
  readonly undelivered: number;
  /** Got a 202 and the API no longer knows it, or knows other bytes under its key: lost. */
  readonly missing: readonly string[];
  /** True when every reading that got a 202 reached the ledger (committed or refused by the chaincode) and none is missing. */
  readonly zeroLoss: boolean;
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/**
 * Reconciles the feeder's own record of what it generated with the ingest tier's status of
 * every reading that got a 202 (`statusOf` returns undefined for a 404). Pure.
 */
export function reconcileFeed(readings: Iterable<FedReading>, statusOf: (meterId: string, seq: string) => ReadingStatus | undefined): FeedReconciliation {
  let generated = 0, accepted = 0, committed = 0, pending = 0, undelivered = 0;
  const verdicts: Record<string, number> = {}, refused: Record<string, number> = {}, edgeRefused: Record<string, number> = {}, parked: Record<string, number> = {};
  const missing: string[] = [];
  for (const r of readings) {
    generated += 1;
    if (r.handoff === 'undelivered') {
      undelivered += 1;
      continue;
    }
    if (r.handoff === 'refused') {
      bump(edgeRefused, r.edgeCode ?? 'UNKNOWN');
      continue;
    }
    accepted += 1;
    const status = statusOf(r.meterId, r.seq);
    if (status === undefined || status.rawSha256 !== r.rawSha256 || (r.receiptSha256 !== undefined && r.receiptSha256 !== r.rawSha256)) {
      missing.push(`${r.meterId}@${r.seq}`);
      continue;
    }
    if (status.status === 'committed') {
      committed += 1;
      bump(verdicts, status.verdict ?? 'UNKNOWN');
    } else if (status.status === 'refused') {
      bump(refused, status.code ?? 'UNKNOWN');
    } else if (status.status === 'parked') {
      bump(parked, status.cause ?? 'UNKNOWN');
    } else {
      pending += 1;
    }
  }
  const parkedCount = Object.values(parked).reduce((a, b) => a + b, 0);
  return { generated, accepted, committed, verdicts, refused, edgeRefused, parked, pending, undelivered, missing, zeroLoss: missing.length === 0 && pending === 0 && parkedCount === 0 };
}

/** The p-th percentile (0..100, nearest rank) of `values`, or null when empty. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}
