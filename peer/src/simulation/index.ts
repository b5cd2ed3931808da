/** Transaction simulation: read/write sets recorded over committed state, in Fabric's `kvrwset` format. */
export type { TxSimulator } from './tx-simulator.js';
export { createTxSimulator, type RecordingTxSimulator } from './create-tx-simulator.js';
export {
  decodeReadWriteSet, encodeReadWriteSet, type KeyMetadataWrite, type KeyRead, type KeyWrite, type NamespaceReadWriteSet, type RangeQuery,
  type ReadWriteSet,
} from './read-write-set.js';
export { compareKeys } from './key-order.js';
export { SimulationError, SIMULATION_ERROR_CODES, type SimulationErrorCode } from './simulation-error.js';
