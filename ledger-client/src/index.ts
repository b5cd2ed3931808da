/**
 * @speedledger/ledger-client: the speedledger ledger over either Fabric client library —
 * `connectGateway` (`@hyperledger/fabric-gateway`, the default) or `connectFabricNetwork`
 * (`fabric-network` 2.2) — with one interface and one error vocabulary.
 */
export type {
  BatchItemResult, CallOptions, Committed, ConnectOptions, LedgerArgument, LedgerClient, Page, PageRequest, StageTimeouts, SubmittedBatch,
  SubmittedReading, TimeWindow,
} from './ledger-client.js';
export { DEFAULT_TIMEOUTS } from './ledger-client.js';
export type { ChaincodeEventsRequest, ChaincodeEventStream, LedgerChaincodeEvent } from './events/chaincode-events.js';
export { LEDGER_ERROR_CODES, LedgerError, type LedgerErrorCode, type LedgerErrorDetails, type LedgerStage } from './errors/ledger-error.js';
export { fromGatewayError, validationCodeName, type FailureContext } from './errors/gateway-error-mapping.js';
export { fromFabricNetworkError } from './errors/fabric-network-error-mapping.js';
export { findContractRejection } from './errors/contract-rejection.js';
export {
  parseConnectionProfile, selectPeer, organizationOf, withStaticChannel, type ConnectionProfile, type GrpcEndpoint, type ProfileEndpoint,
  type ProfileOrganization, type TlsCaCerts,
} from './connection-profile.js';
export { DEFAULT_PAGE_SIZE, LR_FUNCTIONS, MAX_BATCH, MAX_BATCH_BYTES, splitIntoBatches } from './contract-calls.js';
export type { LedgerCall, LedgerTransport } from './ledger-transport.js';
export { createLedgerClient } from './create-ledger-client.js';
export { checkedIdentity, loadClientIdentity, loadConnectionProfile, type ClientIdentity } from './adapters/load-connection.js';
export { connectGateway } from './adapters/fabric-gateway-adapter.js';
export { connectFabricNetwork } from './adapters/fabric-network-adapter.js';
