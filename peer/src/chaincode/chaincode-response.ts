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
  invoke(call: SystemChaincodeCall): Promise<ChaincodeResponse>;
}
