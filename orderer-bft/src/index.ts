/**
 * @speedledger/orderer-bft: a PBFT ordering core (pure state machine) and its deterministic
 * simulator. The Fabric block layer, gRPC service and process runtime come later.
 */
export * from './core/index.js';
