import type { TxSimulator } from '../simulation/tx-simulator.js';
import type { Identity } from '../msp/identity.js';

/** A chaincode's answer to one invocation, as in `peer.Response` plus its event. */
export interface ChaincodeResponse {
  /** 200 success; ≥ 400 error (the proposal is not endorsed). */
  readonly status: number;
  readonly message: string;
  readonly payload: Uint8Array;
  readonly event?: { readonly name: string; readonly payload: Uint8Array };
}

/** One invocation of a system chaincode (native TypeScript, e.g. `_lifecycle`). */
export interface SystemChaincodeCall {
  readonly channelId: string;
  readonly txId: string;
  readonly args: readonly Uint8Array[];
  readonly creator: Identity;
  readonly simulator: TxSimulator;
  /** The proposal's channel-header timestamp. */
  readonly timestamp: Date;
}

/** A chaincode built into the peer, dispatched by name instead of through fabric-shim. */
export interface SystemChaincode {
  readonly name: string;
  /**
   * A ledger query chaincode (Fabric's qscc, cscc): it checks the creator's access itself against
   * the channel its arguments name, so the endorser skips the Writers check, also accepts a
   * channel-less proposal from the peer's own organisation (answered unendorsed, as Fabric), and
   * endorses an empty read/write set (it reads the block store, not state).
   */
  readonly ledgerQuery?: boolean;
  invoke(call: SystemChaincodeCall): Promise<ChaincodeResponse>;
}
