import { StagedError } from '@speedledger/orderer-bft';

/** Stable codes of {@link ChaincodeError}, by stage: package, dependencies, start, execution. */
export const CHAINCODE_ERROR_CODES = [
  'PACKAGE_MALFORMED',
  'PACKAGE_UNSUPPORTED',
  'PACKAGE_NOT_FOUND',
  'DEPENDENCY_MISMATCH',
  'CHAINCODE_START_FAILED',
  'CHAINCODE_EXECUTION_FAILED',
] as const;

/** One of {@link CHAINCODE_ERROR_CODES}. */
export type ChaincodeErrorCode = (typeof CHAINCODE_ERROR_CODES)[number];

/** A chaincode package that cannot be installed or loaded, or a container that cannot run it. */
export class ChaincodeError extends StagedError<ChaincodeErrorCode> {
  constructor(code: ChaincodeErrorCode, message: string, ids: Record<string, number | string> = {}, cause?: unknown) {
    super('ChaincodeError', code, message, ids, cause);
  }
}
