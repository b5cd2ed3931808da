/**
 * @speedledger/peer: a Fabric-protocol endorsing and committing peer. Each concept has its own
 * entry: membership, channel config, policies, validation, ledger, simulation, chaincode
 * runtime, endorser, block delivery, lifecycle, ledger query system chaincodes, gRPC services and the peer process runtime.
 */
export * as msp from './msp/index.js';
export * as channel from './channel/index.js';
export * as policy from './policy/index.js';
export * as validation from './validation/index.js';
export * as ledger from './ledger/index.js';
export * as simulation from './simulation/index.js';
export * as chaincode from './chaincode/index.js';
export * as endorser from './endorser/index.js';
export * as delivery from './delivery/index.js';
export * as lifecycle from './lifecycle/index.js';
export * as scc from './scc/index.js';
export * as services from './services/index.js';
export * as runtime from './runtime/index.js';
export { startPeerNode, loadPeerConfig, parsePeerConfig, type PeerNodeConfig, type RunningPeer } from './runtime/index.js';
