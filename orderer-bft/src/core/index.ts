/**
 * The PBFT ordering core: a pure state machine with injected crypto, assembly and request
 * inspection. No I/O, no clock, no randomness.
 */
export { Replica, type SubmitResult, type SubmitVerdict, type ReplicaStatus } from './replica.js';
export { DEFAULT_TIMING, faultsTolerated, leaderOf, quorumSize, validateConfig, type ReplicaConfig } from './config.js';
export type {
  Assembler, AssemblyContext, Hasher, Proposal, ProposalContext, ReplicaDependencies, RequestInfo,
  RequestInspector, Signer, Verifier,
} from './dependencies.js';
export type { ReplicaEvent } from './events.js';
export type { ReplicaAction } from './actions.js';
export type { WalRecord } from './wal-record.js';
export type { Decision, CommitSignature } from './decision.js';
export type {
  Checkpoint, CheckpointCertificate, Commit, Envelope, Forward, Message, NewView, NewViewRequest, PrePrepare,
  Prepare, PreparedCertificate, ViewChange,
} from './messages.js';
export type { ReplicaCounters } from './replica-state.js';
export { canonicalBytes } from './canonical-bytes.js';
export { bytesEqual, toHex } from './bytes.js';
export { OrdererError, ORDERER_ERROR_CODES, StagedError, type OrdererErrorCode } from './errors.js';
