import { createHash } from 'node:crypto';
import { createReadingStream, type Fleet } from '@speedledger/datasets';
import type { IngestHttpClient } from '../adapters/ingest-http-client.js';
import type { FeedPlan } from '../feed/feed-plan.js';
import { percentile, reconcileFeed, type FedReading, type FeedReconciliation } from '../feed/feed-reconciliation.js';
import { decideHandoff, DEFAULT_METER_RETRY, type MeterRetryPolicy } from '../feed/meter-retry.js';
import type { ReadingStatus } from '../store/reading-status.js';

/** A progress sample (one per interval). */
export interface FeedProgress {
  readonly elapsedS: number;
  readonly phase: 'feeding' | 'settling' | 'draining';
  readonly offered: number;
  readonly accepted: number;
  readonly edgeRefused: number;
  readonly retries: number;
  /** Readings meters still hold (not yet receipted). */
  readonly held: number;
  readonly offeredPerS: number;
  readonly acceptedPerS: number;
  /** From the API's counters (the whole ingest tier, not only this feeder). */
  readonly committedPerS: number;
  readonly committed: number;
  readonly chaincodeRefused: number;
  readonly backlog: number;
}

/** Options of {@link runFeed}. */
export interface FeedOptions {
  readonly meters: number;
  readonly seed: number;
  readonly firstSeq: number;
  readonly plan: FeedPlan;
  readonly client: IngestHttpClient;
  /** Uniform [0, 1) for the meters' retry jitter. */
  readonly random: () => number;
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly retry?: MeterRetryPolicy;
  readonly progressIntervalMs?: number;
  readonly onProgress?: (progress: FeedProgress) => void;
  /** Longest wait, after generation stops, for meters to hand off what they hold (ms). */
  readonly settleTimeoutMs?: number;
  /** Longest wait for the ingest backlog to drain before reconciling (ms). */
  readonly drainTimeoutMs?: number;
  /** Stops generating early (SIGINT). */
  readonly signal?: AbortSignal;
  /** Receives the fleet before the first reading (to check or write fleet.json). */
  readonly onFleet?: (fleet: Fleet) => void;
}

/** Figures of a run (ms unless named otherwise). */
export interface FeedFigures {
  readonly feedS: number;
  readonly offeredPerS: number;
  readonly acceptedPerS: number;
  /** Committed readings of this run per second from the first receipt to the last commit. */
  readonly committedPerS: number;
  readonly receiptP50Ms: number | null;
  readonly receiptP99Ms: number | null;
  /** Generation to receipt, retries included. */
  readonly handoffP50Ms: number | null;
  readonly handoffP99Ms: number | null;
  readonly receiptToCommitP50Ms: number | null;
  readonly receiptToCommitP99Ms: number | null;
  readonly maxBacklog: number;
  /** From the end of generation until the backlog was empty (null when it never was). */
  readonly drainS: number | null;
  readonly throttled: number;
}

/** What {@link runFeed} returns. */
export interface FeedResult {
  readonly reconciliation: FeedReconciliation;
  /** Every generated reading and its hand-off (for a check against the ledger itself). */
  readonly readings: readonly FedReading[];
  readonly figures: FeedFigures;
}

interface Held {
  readonly index: number;
  readonly bytes: Uint8Array;
  readonly generatedAt: number;
  attempts: number;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Streams a simulated fleet's readings to the ingest API along the traffic day. Each meter
 * sends its readings in seq order, one at a time, and keeps a reading until it gets a receipt
 * or a refusal it cannot fix (429 / 503 honour Retry-After; network errors back off). When the
 * run ends it waits for the meters to hand off what they hold and for the backlog to drain,
 * then reconciles every generated reading with its status in the ingest tier.
 */
export async function runFeed(options: FeedOptions): Promise<FeedResult> {
  const { client, clock, sleep, random } = options;
  const retry = options.retry ?? DEFAULT_METER_RETRY;
  const stream = createReadingStream({ meters: options.meters, seed: options.seed, speedup: options.plan.speedup, startTime: options.plan.startTime, clock, sleep, firstSeq: options.firstSeq });
  options.onFleet?.(stream.fleet);
  const fed: FedReading[] = [];
  const receiptMs: number[] = [];
  const handoffMs: number[] = [];
  const outboxes = new Map<string, Held[]>();
  const senders = new Set<Promise<void>>();
  let phase: FeedProgress['phase'] = 'feeding';
  let accepted = 0, edgeRefused = 0, retries = 0, held = 0;
  let firstReceiptAt: number | undefined;

  const settle = (index: number, patch: Partial<FedReading>): void => {
    fed[index] = { ...fed[index]!, ...patch };
  };

  async function sendAll(meterId: string, outbox: Held[]): Promise<void> {
    while (outbox.length > 0) {
      const head = outbox[0]!;
      head.attempts += 1;
      const sentAt = clock();
      const answer = await client.postReading(head.bytes);
      const decision = decideHandoff(answer, head.attempts, random(), clock(), retry);
      if (decision.action === 'retry') {
        retries += 1;
        await sleep(decision.delayMs);
        continue;
      }
      outbox.shift();
      held -= 1;
      if (decision.action === 'accepted') {
        accepted += 1;
        const now = clock();
        firstReceiptAt ??= now;
        receiptMs.push(now - sentAt);
        handoffMs.push(now - head.generatedAt);
        settle(head.index, { handoff: 'accepted', ...('receiptSha256' in answer && answer.receiptSha256 ? { receiptSha256: answer.receiptSha256 } : {}) });
      } else {
        edgeRefused += 1;
        settle(head.index, { handoff: 'refused', edgeCode: decision.code });
      }
    }
    outboxes.delete(meterId);
  }

  const baseline = await client.stats();
  let last = { at: clock(), offered: 0, accepted: 0, committed: baseline.counters.committed ?? 0 };
  let maxBacklog = baseline.backlog;
  let lastStats = baseline;
  const started = clock();
  const sample = async (): Promise<void> => {
    try {
      lastStats = await client.stats();
    } catch {
      // the API may be down for a moment (a fault test): keep the last figures
    }
    maxBacklog = Math.max(maxBacklog, lastStats.backlog);
    const now = clock();
    const dt = Math.max(1e-3, (now - last.at) / 1000);
    const committed = lastStats.counters.committed ?? 0;
    const chaincodeRefused = Object.entries(lastStats.counters).filter(([k]) => k.startsWith('refused:')).reduce((a, [, v]) => a + v, 0);
    options.onProgress?.({
      elapsedS: (now - started) / 1000, phase, offered: fed.length, accepted, edgeRefused, retries, held,
      offeredPerS: (fed.length - last.offered) / dt, acceptedPerS: (accepted - last.accepted) / dt, committedPerS: (committed - last.committed) / dt,
      committed: committed - (baseline.counters.committed ?? 0), chaincodeRefused, backlog: lastStats.backlog,
    });
    last = { at: now, offered: fed.length, accepted, committed };
  };
  let ticking = true;
  const ticker = (async () => {
    while (ticking) {
      await sleep(options.progressIntervalMs ?? 1000);
      if (ticking) await sample();
    }
  })();

  for await (const reading of stream) {
    if (clock() - started >= options.plan.durationMs || options.signal?.aborted) break;
    const index = fed.length;
    const { meterId } = reading.truth;
    fed.push({ meterId, seq: String(reading.truth.seq), rawSha256: sha256(reading.bytes), handoff: 'undelivered' });
    held += 1;
    const item: Held = { index, bytes: reading.bytes, generatedAt: clock(), attempts: 0 };
    const outbox = outboxes.get(meterId);
    if (outbox) {
      outbox.push(item);
    } else {
      const fresh = [item];
      outboxes.set(meterId, fresh);
      const sender = sendAll(meterId, fresh).finally(() => senders.delete(sender));
      senders.add(sender);
    }
  }
  const feedEnd = clock();
  phase = 'settling';
  const settleBy = feedEnd + (options.settleTimeoutMs ?? 600_000);
  while (senders.size > 0 && clock() < settleBy) await Promise.race([Promise.allSettled([...senders]), sleep(1000)]);
  phase = 'draining';
  const drainBy = clock() + (options.drainTimeoutMs ?? 3_600_000);
  let drainedAt: number | undefined;
  while (clock() < drainBy) {
    const stats = await client.stats().catch(() => undefined);
    if (stats) maxBacklog = Math.max(maxBacklog, stats.backlog);
    if (stats && stats.backlog === 0 && senders.size === 0) {
      drainedAt = clock();
      break;
    }
    await sleep(1000);
  }
  ticking = false;
  await ticker;
  await sample();

  // Every receipted reading's status, a bounded number of requests at a time.
  const statuses = new Map<number, ReadingStatus | undefined>();
  const toCheck = fed.map((r, i) => [r, i] as const).filter(([r]) => r.handoff === 'accepted');
  let next = 0;
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (next < toCheck.length) {
      const [r, i] = toCheck[next++]!;
      for (let attempt = 1; ; attempt++) {
        try {
          statuses.set(i, await client.status(r.meterId, r.seq));
          break;
        } catch (error) {
          if (attempt >= 5) throw error;
          await sleep(500 * attempt);
        }
      }
    }
  }));
  const byKey = new Map<string, ReadingStatus | undefined>();
  for (const [i, status] of statuses) byKey.set(`${fed[i]!.meterId}@${fed[i]!.seq}`, status);
  const reconciliation = reconcileFeed(fed, (meterId, seq) => byKey.get(`${meterId}@${seq}`));
  const commitLatencies: number[] = [];
  let lastCommitAt = 0;
  for (const status of byKey.values()) {
    if (status?.status !== 'committed' || status.committedAt === undefined) continue;
    commitLatencies.push(status.committedAt - status.receivedAt);
    lastCommitAt = Math.max(lastCommitAt, status.committedAt);
  }
  const feedS = (feedEnd - started) / 1000;
  const commitSpanS = firstReceiptAt !== undefined && lastCommitAt > firstReceiptAt ? (lastCommitAt - firstReceiptAt) / 1000 : null;
  return {
    reconciliation, readings: fed,
    figures: {
      feedS, offeredPerS: fed.length / Math.max(feedS, 1e-3), acceptedPerS: accepted / Math.max(feedS, 1e-3),
      committedPerS: commitSpanS ? reconciliation.committed / commitSpanS : 0,
      receiptP50Ms: percentile(receiptMs, 50), receiptP99Ms: percentile(receiptMs, 99),
      handoffP50Ms: percentile(handoffMs, 50), handoffP99Ms: percentile(handoffMs, 99),
      receiptToCommitP50Ms: percentile(commitLatencies, 50), receiptToCommitP99Ms: percentile(commitLatencies, 99),
      maxBacklog, drainS: drainedAt === undefined ? null : (drainedAt - feedEnd) / 1000,
      throttled: (lastStats.counters.throttled ?? 0) - (baseline.counters.throttled ?? 0),
    },
  };
}
