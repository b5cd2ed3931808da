import { OrdererError } from './errors.js';

/**
 * Static parameters of one replica. Times are in the host's clock unit (the simulator uses
 * milliseconds); the core never reads a clock, it only compares against `tick` times.
 */
export interface ReplicaConfig {
  /** This replica's id, 0 ≤ id < n. */
  readonly id: number;
  /** Replica count, n = 3f + 1 (1, 4, 7, 10, …). */
  readonly n: number;
  /** Batch cut when this many requests are pending. */
  readonly batchMaxCount: number;
  /** Batch cut when the pending requests reach this many bytes. */
  readonly batchMaxBytes: number;
  /** Batch cut when the oldest pending request waited this long. */
  readonly batchTimeout: number;
  /** A pending request is forwarded to the leader after this long (SmartBFT request timer 1). */
  readonly requestForwardTimeout: number;
  /** …and the replica votes for a view change after this much more (request timer 2). */
  readonly requestComplainTimeout: number;
  /** Waiting time for a NEW-VIEW; doubles with every consecutive failed view (PBFT §4.5.2). */
  readonly viewChangeTimeout: number;
  /** How long evidence of being behind must persist before state transfer starts. */
  readonly stateTransferDelay: number;
  /** Retry period for a state transfer that brought nothing. */
  readonly stateTransferTimeout: number;
  /** Period of the status heartbeat every replica broadcasts. */
  readonly heartbeatInterval: number;
  /** Checkpoint period K in decisions (PBFT §4.3). */
  readonly checkpointInterval: number;
  /** Log window L: sequences accepted are (h, h + L] with h the stable checkpoint. */
  readonly logWindow: number;
  /** Request pool capacity; beyond it `submit` answers `pool-full`. */
  readonly poolMaxSize: number;
  /**
   * TEST ONLY. Replaces the 2f+1 quorum by f+1 for prepared and committed predicates, which
   * breaks PBFT's quorum intersection; the simulator must then catch an agreement violation.
   */
  readonly unsafeWeakQuorum?: boolean;
}

/** Defaults suited to the simulator's millisecond clock. */
export const DEFAULT_TIMING = {
  batchMaxCount: 10,
  batchMaxBytes: 64 * 1024,
  batchTimeout: 20,
  requestForwardTimeout: 400,
  requestComplainTimeout: 400,
  viewChangeTimeout: 500,
  stateTransferDelay: 100,
  stateTransferTimeout: 300,
  heartbeatInterval: 500,
  checkpointInterval: 5,
  logWindow: 20,
  poolMaxSize: 1000,
} as const;

/** Faults tolerated: f = ⌊(n − 1) / 3⌋. */
export function faultsTolerated(n: number): number {
  return Math.floor((n - 1) / 3);
}

/** Quorum size 2f + 1 (f + 1 under the test-only weak quorum). */
export function quorumSize(config: Pick<ReplicaConfig, 'n' | 'unsafeWeakQuorum'>): number {
  const f = faultsTolerated(config.n);
  return config.unsafeWeakQuorum === true ? f + 1 : 2 * f + 1;
}

/** Leader of a view: round robin (PBFT §4.1, p = v mod |R|). */
export function leaderOf(view: number, n: number): number {
  return view % n;
}

/** Throws {@link OrdererError} `INVALID_CONFIG` naming the first bad field. */
export function validateConfig(config: ReplicaConfig): void {
  const bad = (field: string, why: string): never => {
    throw new OrdererError('INVALID_CONFIG', `config.${field} ${why}`, { replica: config.id, field });
  };
  if (!Number.isInteger(config.n) || config.n < 1 || config.n % 3 !== 1) bad('n', 'must be 3f+1 (1, 4, 7, 10, …)');
  if (!Number.isInteger(config.id) || config.id < 0 || config.id >= config.n) bad('id', 'must be in [0, n)');
  const positive: (keyof ReplicaConfig)[] = [
    'batchMaxCount', 'batchMaxBytes', 'batchTimeout', 'requestForwardTimeout', 'requestComplainTimeout',
    'viewChangeTimeout', 'stateTransferDelay', 'stateTransferTimeout', 'heartbeatInterval', 'checkpointInterval', 'logWindow', 'poolMaxSize',
  ];
  for (const field of positive) {
    const value = config[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) bad(field, 'must be a positive number');
  }
  // A batch must be cut before its requests are suspected of being censored.
  if (config.batchTimeout >= config.requestForwardTimeout) bad('batchTimeout', 'must be below requestForwardTimeout');
  if (config.logWindow < 2 * config.checkpointInterval) bad('logWindow', 'must be at least 2 × checkpointInterval');
}
