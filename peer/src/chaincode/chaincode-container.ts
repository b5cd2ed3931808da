import type { HistoryReader } from '../ledger/world-state.js';
import type { TxSimulator } from '../simulation/tx-simulator.js';
import type { ChaincodeResponse } from './chaincode-response.js';

/** One transaction handed to a chaincode container. */
export interface ChaincodeInvocation {
  readonly channelId: string;
  readonly txId: string;
  /** The state namespace the chaincode reads and writes: its name. */
  readonly namespace: string;
  /** The client's `peer.SignedProposal` bytes (the shim builds `ctx.clientIdentity` from them). */
  readonly signedProposal: Uint8Array;
  /** `ChaincodeInput.args`: function name, then arguments. */
  readonly args: readonly Uint8Array[];
  readonly simulator: TxSimulator;
  readonly history: HistoryReader;
}

/** A running user chaincode: many transactions may execute concurrently. */
export interface ChaincodeContainer {
  /** The chaincode's name (its namespace). */
  readonly name: string;
  /**
   * Runs one transaction; resolves with the chaincode's response (status ≥ 400 when it failed,
   * including protocol misuse such as paginated queries in a writing transaction). Never rejects.
   */
  execute(invocation: ChaincodeInvocation): Promise<ChaincodeResponse>;
  /** Fails transactions still running and refuses new ones. */
  close(): void;
}
