import type * as LrContract from '@speedledger/lr-chaincode/contract';

/*
 * `@speedledger/lr-chaincode/contract` loads fabric-contract-api and decorates every contract on
 * import (dozens of info log lines, the chaincode runtime in a client process). A client needs
 * only the error parser, which lives in a side-effect-free module beside that index; it is loaded
 * by URL because the package's export map names only the index.
 */
const contractIndex = import.meta.resolve('@speedledger/lr-chaincode/contract');
const errorModule = (await import(new URL('./contract-error.js', contractIndex).href)) as Pick<typeof LrContract, 'parseContractError' | 'CONTRACT_ERROR_CODES'>;

/** lr-chaincode's own parser of `[CODE] detail` messages. */
export const parseContractError: typeof LrContract.parseContractError = errorModule.parseContractError;
/** lr-chaincode's stable error codes. */
export const CONTRACT_ERROR_CODES: typeof LrContract.CONTRACT_ERROR_CODES = errorModule.CONTRACT_ERROR_CODES;
