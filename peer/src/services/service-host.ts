import type { common, peer } from '@hyperledger/fabric-protos';
import type { Identity } from '../msp/identity.js';

/** The committed ledger as the services read it. */
export interface CommittedBlocks {
  /** Number of committed blocks (the genesis block is block 0). */
  height(): number;
  /** Committed block `n` with its TRANSACTIONS_FILTER metadata, or undefined at or above the height. */
  block(n: number): Promise<common.Block | undefined>;
  /** Resolves once the height exceeds `n` (block `n` is committed) or `signal` aborts. */
  waitForBlock(n: number, signal: AbortSignal): Promise<void>;
  /** Where a transaction id was committed (valid or not), or undefined if not (yet). */
  transactionStatus(txId: string): Promise<{ readonly blockNumber: number; readonly code: number } | undefined>;
}

/** Checks signed requests (Deliver seeks, CommitStatus, ChaincodeEvents) against the channel. */
export interface RequestAuthorizer {
  /**
   * Deserialises `creator` against the channel's MSPs, verifies `signature` over `data` and
   * checks the channel's Readers policy; returns the identity or why access is denied.
   */
  authorize(creator: Uint8Array, data: Uint8Array, signature: Uint8Array): Identity | { readonly error: string };
}

/** Processes a signed proposal: the local endorser, or a remote peer's Endorser service. */
export interface ProposalProcessor {
  processProposal(signed: peer.SignedProposal): Promise<peer.ProposalResponse>;
}

/** True when `value` is a denial rather than an identity. */
export function isDenied(value: Identity | { readonly error: string }): value is { readonly error: string } {
  return 'error' in value && !('mspId' in value);
}
