/** Fabric's ledger query system chaincodes: `qscc` (blocks, chain info, transactions) and `cscc` (channel config). */
export { createQueryChaincode, QSCC_FUNCTIONS, type QueryChaincodeOptions, type QueryLedger } from './query-chaincode.js';
export { configOfBlock, createConfigChaincode, type ConfigChaincodeOptions } from './config-chaincode.js';
export { LEDGER_QUERY_CHAINCODES, LEDGER_QUERY_POLICY, type LedgerQueryAccess } from './ledger-query-access.js';
