import type { ChaincodeResponse } from '../chaincode/chaincode-response.js';

/** A successful system chaincode answer carrying marshalled protobuf bytes. */
export function sccSuccess(payload: Uint8Array): ChaincodeResponse {
  return { status: 200, message: '', payload };
}

/**
 * A refusal as Fabric's `shim.Error`: status 500 and Fabric's own message text, because the
 * tools that call qscc and cscc (peer CLI, SDKs, Explorer) show it to operators verbatim.
 */
export function sccError(message: string): ChaincodeResponse {
  return { status: 500, message, payload: new Uint8Array() };
}
