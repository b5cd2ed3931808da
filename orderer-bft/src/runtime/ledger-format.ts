import type { Decision } from '../core/decision.js';
import type { Assembler, RequestInspector } from '../core/dependencies.js';

/**
 * How ordered envelopes become a ledger: the core's assembler and request inspector plus the
 * block and validation rules the gRPC service needs. Injected so the runtime runs on the
 * built-in protobuf format today and on the Fabric layer's blocks (MSP validation, channel
 * config, SIGNATURES metadata) without change.
 */
export interface LedgerFormat {
  readonly assembler: Assembler;
  readonly inspector: RequestInspector;
  /** Header the first proposal chains to. */
  readonly genesisHeader: Uint8Array;
  /** Serialized `common.Block` number 0. */
  genesisBlock(): Uint8Array;
  /** Serialized `common.Block` for a decision (block number = decision sequence). */
  toBlock(decision: Decision): Uint8Array;
  /**
   * Why a broadcast envelope is refused, or undefined when acceptable: BAD_REQUEST when it is
   * malformed, oversized or not from a channel member, FORBIDDEN when its creator does not
   * satisfy the channel's Writers policy.
   */
  validateBroadcast(envelope: Uint8Array): DeliverRefusal | undefined;
  /**
   * Why a Deliver request is refused, or undefined: BAD_REQUEST when it is malformed or not a
   * seek for this channel, FORBIDDEN when its signer is not a channel member. Formats without an
   * MSP accept every structurally valid request.
   */
  authorizeDeliver(envelope: Uint8Array): DeliverRefusal | undefined;
}

/** A refused Broadcast or Deliver request. */
export interface DeliverRefusal {
  readonly status: 'BAD_REQUEST' | 'FORBIDDEN';
  readonly reason: string;
}
