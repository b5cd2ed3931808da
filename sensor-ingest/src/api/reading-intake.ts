import type { Logger } from 'pino';
import { judgeAtEdge, decodeAtEdge } from '../edge/edge-verdict.js';
import type { MeterRegistryCache } from '../edge/meter-registry-cache.js';
import type { IngestQueue } from '../queue/ingest-queue.js';
import type { Receipt } from '../store/reading-status.js';
import type { ReadingStore } from '../store/reading-store.js';

/** One reading's answer: the HTTP status it earns and its body. */
export type IntakeResult =
  | { readonly http: 202; readonly receipt: Receipt; readonly duplicate: boolean }
  | { readonly http: 400; readonly error: string; readonly detail: string; readonly meterId?: string; readonly seq?: string }
  | { readonly http: 409; readonly error: 'SEQ_CONFLICT'; readonly detail: string; readonly meterId: string; readonly seq: string; readonly recordedSha256: string; readonly offeredSha256: string }
  | { readonly http: 413; readonly error: 'TOO_LARGE'; readonly detail: string }
  | { readonly http: 429; readonly error: 'QUEUE_FULL'; readonly detail: string; readonly retryAfterS: number }
  | { readonly http: 503; readonly error: 'REGISTRY_UNAVAILABLE'; readonly detail: string; readonly retryAfterS: number };

/** Limits of the intake. */
export interface IntakeLimits {
  /** Largest single reading in bytes (default DLR1's maximum). */
  readonly maxReadingBytes: number;
  /** Backlog (accepted, not terminal) at which new readings get 429. */
  readonly highWater: number;
  /** Retry-After seconds sent with 429 / 503. */
  readonly retryAfterS: number;
}

/** What the intake needs. */
export interface IntakeDeps {
  readonly store: ReadingStore;
  readonly queue: IngestQueue;
  readonly registry: MeterRegistryCache;
  readonly now: () => number;
  readonly log: Logger;
}

/**
 * The path of one reading from request body to receipt: size, DLR1 decode, edge check against
 * the registry cache, then one atomic Redis script that stores the reading and writes its BullMQ
 * job (idempotency, 409 evidence, high-water). A 202 is returned only after that script was
 * acknowledged by a Redis that fsyncs every write (see redis-config).
 */
export class ReadingIntake {
  constructor(private readonly deps: IntakeDeps, private readonly limits: IntakeLimits) {}

  async take(bytes: Uint8Array): Promise<IntakeResult> {
    const { store, queue, registry, now, log } = this.deps;
    if (bytes.length > this.limits.maxReadingBytes) {
      await store.count('edge:TOO_LARGE');
      return { http: 413, error: 'TOO_LARGE', detail: `a reading is at most ${this.limits.maxReadingBytes} bytes, got ${bytes.length}` };
    }
    const decoded = decodeAtEdge(bytes);
    if (!decoded.ok) {
      await store.count('edge:MALFORMED');
      return { http: 400, error: 'MALFORMED', detail: decoded.detail };
    }
    let meter;
    try {
      meter = await registry.lookup(decoded.reading.meterId);
    } catch (error) {
      log.warn({ err: error, meterId: decoded.reading.meterId }, 'meter registry lookup failed');
      return { http: 503, error: 'REGISTRY_UNAVAILABLE', detail: `the ledger's meter registry cannot be read: ${(error as Error).message}`, retryAfterS: this.limits.retryAfterS };
    }
    const verdict = judgeAtEdge(decoded.reading, meter);
    if (!verdict.ok) {
      await store.count(`edge:${verdict.code}`);
      log.info({ meterId: verdict.meterId, seq: verdict.seq, code: verdict.code }, 'reading refused at the edge');
      return { http: 400, error: verdict.code, detail: verdict.detail, ...(verdict.meterId ? { meterId: verdict.meterId } : {}), ...(verdict.seq ? { seq: verdict.seq } : {}) };
    }
    const { identity } = verdict;
    const outcome = await store.accept(identity, bytes, now(), this.limits.highWater, queue.inlineJob);
    if (outcome.outcome === 'full') {
      return { http: 429, error: 'QUEUE_FULL', detail: 'the backlog is above its high-water mark: keep the reading and retry', retryAfterS: this.limits.retryAfterS };
    }
    if (outcome.outcome === 'conflict') {
      log.warn({ meterId: identity.meterId, seq: identity.seq, recordedSha256: outcome.recordedSha256, offeredSha256: identity.rawSha256 }, 'conflicting bytes for a known (meterId, seq): evidence kept');
      return {
        http: 409, error: 'SEQ_CONFLICT', detail: `${identity.meterId} seq ${identity.seq} was accepted with other bytes; this offer is kept as evidence`,
        meterId: identity.meterId, seq: identity.seq, recordedSha256: outcome.recordedSha256, offeredSha256: identity.rawSha256,
      };
    }
    return { http: 202, receipt: { ...identity, status: outcome.status }, duplicate: outcome.outcome === 'duplicate' };
  }
}
