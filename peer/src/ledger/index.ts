/**
 * The peer's persistent ledger: block store, state database, history index, transaction index
 * and chaincode events in one LevelDB, committed block by block in atomic batches.
 */
export type { HistoryReader, KeyModification, StateEntry, StateReader, Version, VersionedValue } from './world-state.js';
export { LedgerError, LEDGER_ERROR_CODES, type LedgerErrorCode } from './ledger-error.js';
export {
  PeerLedger, type ChainInfo, type CommitNotification, type PeerLedgerOptions, type StoredChaincodeEvent, type StoredTransaction, type TxValidationRecord,
} from './adapters/peer-ledger.js';
export { configBlockValidation, transactionsFilterOf, validationOfStoredBlock, withTransactionsFilter } from './stored-block-validation.js';
export { blockUpdates, checkValidationMatches, type BlockUpdates, type CommittedLookups, type LedgerOp, type StateChange } from './block-updates.js';
export { headerHashOf } from './block-header-hash.js';
