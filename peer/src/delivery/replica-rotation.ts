import type { SwitchReason } from './switch-reason.js';

/** Timing of a {@link ReplicaRotation}. */
export interface RotationOptions {
  /** Number of replicas (endpoints) to rotate over. */
  readonly replicas: number;
  /** Backoff after a replica's first failure; doubled per further consecutive failure. */
  readonly baseBackoffMs: number;
  /** Upper bound of a replica's backoff. */
  readonly maxBackoffMs: number;
  /** Silence after which the other replicas are probed for a higher height. */
  readonly stallTimeoutMs: number;
}

/** What to do next: pull from `replica`, or wait `waitMs` until one is out of its backoff. */
export type RotationChoice = { readonly replica: number } | { readonly waitMs: number };

/** What the rotation recorded about a failure, for the switch log. */
export interface SwitchDecision {
  readonly from: number;
  readonly reason: SwitchReason;
  readonly failures: number;
  readonly backoffMs: number;
}

/**
 * The block puller's decisions, without I/O or a clock (time is passed in): which replica to
 * pull from next, each replica's exponential backoff, and when silence warrants a stall probe.
 * A replica's backoff resets once it delivers a good block.
 */
export class ReplicaRotation {
  private readonly failures: number[];
  private readonly retryAt: number[];
  private current = -1;
  private lastActivity = 0;

  constructor(private readonly options: RotationOptions) {
    if (!Number.isInteger(options.replicas) || options.replicas < 1) throw new RangeError(`replicas must be a positive integer, not ${options.replicas}`);
    if (!(options.baseBackoffMs >= 0) || !(options.maxBackoffMs >= options.baseBackoffMs)) throw new RangeError('backoff bounds are inconsistent');
    if (!(options.stallTimeoutMs > 0)) throw new RangeError('stallTimeoutMs must be positive');
    this.failures = new Array<number>(options.replicas).fill(0);
    this.retryAt = new Array<number>(options.replicas).fill(0);
  }

  /** The replica currently pulled from (-1 before the first choice). */
  get replica(): number {
    return this.current;
  }

  /**
   * The next replica to pull from: the current one if it is not backing off, else the
   * following ones in order; if all are backing off, how long until the first is free.
   */
  choose(now: number): RotationChoice {
    const n = this.options.replicas;
    const start = this.current < 0 ? 0 : this.current;
    for (let i = 0; i < n; i += 1) {
      const candidate = (start + i) % n;
      if (this.retryAt[candidate]! <= now) {
        this.current = candidate;
        this.lastActivity = now;
        return { replica: candidate };
      }
    }
    return { waitMs: Math.max(1, Math.min(...this.retryAt) - now) };
  }

  /** A good block arrived from `replica` (and was handled): its backoff resets. */
  onBlock(replica: number, now: number): void {
    this.failures[replica] = 0;
    this.retryAt[replica] = 0;
    this.lastActivity = now;
  }

  /** Something happened that is not silence (e.g. a probe found nobody ahead): restart the stall timer. */
  onActivity(now: number): void {
    this.lastActivity = now;
  }

  /** True once the current replica has been silent for the stall timeout: time to probe the others. */
  shouldProbe(now: number): boolean {
    return now - this.lastActivity >= this.options.stallTimeoutMs;
  }

  /**
   * After a probe: the current replica is stalled if another replica is ahead of the next block
   * we need. `heights` are the other replicas' heights (undefined = unreachable).
   */
  isStalled(nextBlock: number, heights: readonly (number | undefined)[]): boolean {
    return heights.some((h) => h !== undefined && h > nextBlock);
  }

  /** `replica` failed with `reason`: it backs off and the next choice moves on to the following replica. */
  onFailure(replica: number, reason: SwitchReason, now: number): SwitchDecision {
    const failures = (this.failures[replica] ?? 0) + 1;
    this.failures[replica] = failures;
    const backoffMs = Math.min(this.options.maxBackoffMs, this.options.baseBackoffMs * 2 ** Math.min(failures - 1, 30));
    this.retryAt[replica] = now + backoffMs;
    if (replica === this.current) this.current = (replica + 1) % this.options.replicas;
    return { from: replica, reason, failures, backoffMs };
  }
}
