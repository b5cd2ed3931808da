import type { Decision } from './decision.js';
import type { Envelope } from './messages.js';

/** Inputs to {@link Replica.step}. */
export type ReplicaEvent =
  /** A message received from replica `from` (the transport's authenticated peer). */
  | { readonly type: 'message'; readonly from: number; readonly envelope: Envelope }
  /** A client request (see also `Replica.submit`, which also returns the admission verdict). */
  | { readonly type: 'request'; readonly request: Uint8Array }
  /** The host's current time; fires due timers. Times must not decrease. */
  | { readonly type: 'tick'; readonly now: number }
  /** Every `persist` action with `id ≤ upTo` is durable. */
  | { readonly type: 'persisted'; readonly upTo: number }
  /** Decisions fetched from peers after `requestStateTransfer`; verified before use. */
  | { readonly type: 'stateTransferred'; readonly decisions: readonly Decision[] };
