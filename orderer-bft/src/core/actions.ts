import type { Decision } from './decision.js';
import type { OrdererError } from './errors.js';
import type { Envelope } from './messages.js';
import type { WalRecord } from './wal-record.js';

/** Outputs of {@link Replica.step}, to be executed by the host in order. */
export type ReplicaAction =
  | { readonly type: 'send'; readonly to: number; readonly envelope: Envelope }
  /** Send to every other replica. */
  | { readonly type: 'broadcast'; readonly envelope: Envelope }
  /** Append to the WAL and fsync; answer with a `persisted` event carrying `id`. */
  | { readonly type: 'persist'; readonly id: number; readonly record: WalRecord }
  /** A decision to append to the ledger; its WAL record is already durable. */
  | { readonly type: 'deliver'; readonly decision: Decision }
  /** Call `tick` no later than `at`. */
  | { readonly type: 'schedule'; readonly at: number }
  /** Fetch decisions from `fromSeq` on from peers (`peers` first), then send `stateTransferred`. */
  | { readonly type: 'requestStateTransfer'; readonly fromSeq: number; readonly peers: readonly number[] }
  /**
   * A safety invariant broke (code `DECISION_NOT_CHAINED`: a decided proposal does not chain onto
   * our ledger, so more than f replicas are faulty). The replica has stopped and ignores every
   * later event; the host must raise an alarm — never deliver, never restart it blindly.
   */
  | { readonly type: 'halt'; readonly error: OrdererError };
