/** A chaincode event of a VALID transaction, as the peer delivered it with its block. */
export interface LedgerChaincodeEvent {
  readonly blockNumber: bigint;
  readonly transactionId: string;
  readonly chaincode: string;
  /** The name the chaincode gave `setEvent` (e.g. `MeterRevoked`). */
  readonly eventName: string;
  readonly payload: Uint8Array;
}

/** Where a chaincode event stream starts. */
export interface ChaincodeEventsRequest {
  /** Chaincode whose events to follow (default: the client's). */
  readonly chaincode?: string;
  /**
   * First block whose events are delivered (default: the next block to commit). A consumer that
   * resumes after a lost connection passes the block of the last event it handled: events of that
   * block come again, so handling must be idempotent, but none is skipped.
   */
  readonly startBlock?: bigint;
}

/**
 * Events in commit order. Iteration ends when {@link ChaincodeEventStream.close} is called and
 * throws a `LedgerError` (stage `events`, usually UNAVAILABLE) when the connection is lost; the
 * consumer then opens a new stream from its last block.
 */
export interface ChaincodeEventStream extends AsyncIterable<LedgerChaincodeEvent> {
  close(): void;
}
