import type { StateReader } from '../ledger/world-state.js';
import type { Identity } from '../msp/identity.js';

/** A committed write of one key (value `null` deletes it). */
export interface KeyWrite {
  readonly key: string;
  readonly value: Uint8Array | null;
}

/** A committed metadata write: the key's complete new metadata (an empty map clears it). */
export interface KeyMetadataWrite {
  readonly key: string;
  readonly entries: ReadonlyMap<string, Uint8Array>;
}

/** The writes one valid transaction applies to one namespace. */
export interface NamespaceWrites {
  readonly namespace: string;
  readonly writes: readonly KeyWrite[];
  readonly metadataWrites: readonly KeyMetadataWrite[];
}

/** The chaincode event a transaction set, with the ids Fabric's ChaincodeEvent carries. */
export interface CommittedChaincodeEvent {
  readonly chaincodeId: string;
  readonly txId: string;
  readonly eventName: string;
  readonly payload: Uint8Array;
}

/** The validator's verdict on one transaction of a block. */
export interface ValidatedTransaction {
  /** Position in the block (= `txNum` of the versions it writes). */
  readonly index: number;
  /** Empty when the envelope is too malformed to carry one. */
  readonly txId: string;
  /** `common.HeaderType` (0 when unreadable). */
  readonly headerType: number;
  /** `peer.TxValidationCode`: 0 = VALID. */
  readonly code: number;
  /** Channel-header timestamp (epoch if unreadable). */
  readonly timestamp: Date;
  readonly creatorMspId?: string;
  /** Writes to apply; empty unless `code` is VALID. */
  readonly writes: readonly NamespaceWrites[];
  /** Set only for a VALID endorser transaction that emitted one. */
  readonly chaincodeEvent?: CommittedChaincodeEvent;
}

/** The validator's verdict on a block: one entry per envelope, and the TRANSACTIONS_FILTER bytes. */
export interface BlockValidation {
  readonly blockNumber: number;
  readonly transactions: readonly ValidatedTransaction[];
  /** One `peer.TxValidationCode` byte per transaction, for block metadata index 2. */
  readonly transactionsFilter: Uint8Array;
}

/** A policy the writes of a namespace must satisfy, as Fabric stores it in a chaincode definition. */
export type NamespacePolicy =
  /** A `peer.ApplicationPolicy` (signature policy or channel config policy reference) bytes. */
  | { readonly kind: 'application'; readonly policy: Uint8Array }
  /** The namespace is not defined on the channel: writes to it are invalid. */
  | { readonly kind: 'undefined' };

/**
 * What the (pure) block validator needs from its environment. The ledger and lifecycle
 * implement these; tests provide in-memory ones.
 */
export interface ValidationContext {
  readonly channelId: string;
  /** Deserialises and chains a SerializedIdentity to the channel's MSPs, or says why not. */
  deserialize(serialized: Uint8Array): Identity | { readonly error: string };
  /** Committed state as of the previous block (the validator overlays this block's valid writes). */
  readonly state: StateReader;
  /** True if a transaction with this id is already committed (valid or not) in an earlier block. */
  txIdCommitted(txId: string): Promise<boolean>;
  /**
   * The endorsement policy a write to `namespace` must satisfy when the key carries no
   * key-level `VALIDATION_PARAMETER`; may depend on the key (e.g. `_lifecycle` approvals are
   * validated by the approving organisation's policy). `state` includes this block's earlier
   * valid writes, so a definition committed earlier in the block applies.
   */
  namespacePolicy(namespace: string, key: string, state: StateReader): Promise<NamespacePolicy>;
  /** Evaluates a channel config policy by path, e.g. `/Channel/Application/Endorsement`. */
  evaluateChannelPolicy(path: string, signers: readonly Identity[]): boolean;
}
