/** A request waiting to be ordered, with its censorship timers' origin. */
export interface PooledRequest {
  readonly key: string;
  readonly request: Uint8Array;
  /** When the timers started: arrival, or the last view installation. */
  since: number;
  /** Request timer 1 fired (or the request came relayed): already handed to every replica. */
  forwarded: boolean;
  /**
   * Requests queued before it when its timers started, raised to everything pending when it is
   * forwarded: the batches a fair leader may cut first.
   */
  ahead: number;
}

/**
 * Bounded FIFO of requests not yet ordered, keyed by client id + request id. Bounded so that a
 * flood of requests turns into back-pressure (`pool-full`) instead of unbounded memory.
 */
export class RequestPool {
  private readonly entries = new Map<string, PooledRequest>();
  private bytes = 0;

  constructor(readonly maxSize: number) {}

  get size(): number {
    return this.entries.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  get isFull(): boolean {
    return this.entries.size >= this.maxSize;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /**
   * Adds a request; false when the pool is full. The caller checks duplicates first. `forwarded`
   * marks a request another replica already relayed to everyone.
   */
  add(key: string, request: Uint8Array, now: number, forwarded = false): boolean {
    if (this.isFull) return false;
    this.entries.set(key, { key, request, since: now, forwarded, ahead: this.entries.size });
    this.bytes += request.byteLength;
    return true;
  }

  remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.bytes -= entry.request.byteLength;
  }

  /** Pending requests, oldest first. */
  values(): IterableIterator<PooledRequest> {
    return this.entries.values();
  }

  /** The oldest request, whose age drives the batch timeout. */
  oldest(): PooledRequest | undefined {
    return this.entries.values().next().value;
  }

  /** The longest prefix within `maxCount` requests and `maxBytes` bytes (at least one request). */
  batch(maxCount: number, maxBytes: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    let bytes = 0;
    for (const entry of this.entries.values()) {
      if (out.length >= maxCount) break;
      if (out.length > 0 && bytes + entry.request.byteLength > maxBytes) break;
      out.push(entry.request);
      bytes += entry.request.byteLength;
    }
    return out;
  }

  /** Restarts every request timer, giving a newly installed leader a full period. */
  restartTimers(now: number): void {
    let ahead = 0;
    for (const entry of this.entries.values()) {
      entry.since = now;
      entry.forwarded = false;
      entry.ahead = ahead++;
    }
  }
}

/** Dedup key of a request: unambiguous concatenation of client id and request id. */
export function requestKey(info: { readonly clientId: string; readonly requestId: string }): string {
  return `${info.clientId.length}:${info.clientId}${info.requestId}`;
}
