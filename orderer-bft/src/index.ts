/**
 * @speedledger/orderer-bft: a PBFT ordering core (pure state machine), its deterministic
 * simulator, and the Fabric layer that turns decisions into signed Fabric blocks
 * (also available as `@speedledger/orderer-bft/fabric`).
 */
export * from './core/index.js';
export * from './fabric/index.js';
