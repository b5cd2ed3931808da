import type { ChaincodeEventStream } from './events/chaincode-events.js';
import type { Committed, LedgerArgument } from './ledger-client.js';

/** One chaincode invocation. */
export interface LedgerCall {
  readonly chaincode: string;
  /** `Contract:Function`, or a bare function name for the default contract / system chaincodes. */
  readonly fn: string;
  readonly args: readonly LedgerArgument[];
}

/**
 * What a Fabric client library must provide: evaluate, submit-and-wait-for-VALID-commit, close.
 * Implementations throw only `LedgerError`, so every adapter behaves the same above this line.
 */
export interface LedgerTransport {
  /** Library name, for logs and reports. */
  readonly library: string;
  evaluate(call: LedgerCall): Promise<Uint8Array>;
  submit(call: LedgerCall): Promise<Committed<Uint8Array>>;
  /** Chaincode events of `chaincode` from `startBlock` (default: the next commit), from the client's peer. */
  chaincodeEvents(chaincode: string, startBlock?: bigint): Promise<ChaincodeEventStream>;
  close(): Promise<void>;
}
