/** One probe of a member as the supervisor sees it. */
export type ProbeResult =
  /** Answered and can serve. */
  | 'healthy'
  /** Answered, but its event loop stalled (it cannot serve). */
  | 'stalled'
  /** Did not answer within the probe timeout (a loop stuck for good cannot answer at all). */
  | 'timeout'
  /** Its process is gone. */
  | 'exited';

/** What to do with a member after a probe. */
export type RestartDecision = 'none' | 'restart' | 'respawn';

/** Tuning of {@link RestartPolicy}. */
export interface RestartPolicyOptions {
  /** Consecutive stalled/timed-out probes before a kill -9 and respawn (default 3). */
  readonly failuresBeforeRestart?: number;
  /** Respawn members whose process exited (default false: `speedledger kill` means it). */
  readonly respawnExited?: boolean;
}

/**
 * The supervisor's decisions, pure: a member whose health stays red or times out for N
 * consecutive probes is restarted (issue 17: a peer spinning at 100 % CPU kept its pid, so
 * nothing ever restarted it); one healthy probe resets the count. Red only for "cannot serve"
 * (stalled loop, no answer): a peer that is red because its orderers are away is not helped by a
 * restart.
 */
export class RestartPolicy {
  private readonly failures = new Map<string, number>();
  readonly threshold: number;
  private readonly respawnExited: boolean;

  constructor(options: RestartPolicyOptions = {}) {
    this.threshold = options.failuresBeforeRestart ?? 3;
    this.respawnExited = options.respawnExited ?? false;
    if (!Number.isInteger(this.threshold) || this.threshold < 1) throw new RangeError('failuresBeforeRestart must be a positive integer');
  }

  /** Records a probe of `member` and says what to do. */
  observe(member: string, probe: ProbeResult): RestartDecision {
    if (probe === 'healthy') {
      this.failures.delete(member);
      return 'none';
    }
    if (probe === 'exited') {
      this.failures.delete(member);
      return this.respawnExited ? 'respawn' : 'none';
    }
    const count = (this.failures.get(member) ?? 0) + 1;
    if (count < this.threshold) {
      this.failures.set(member, count);
      return 'none';
    }
    this.failures.delete(member);
    return 'restart';
  }

  /** Consecutive failed probes of `member` so far. */
  failuresOf(member: string): number {
    return this.failures.get(member) ?? 0;
  }
}
