import type { Proposal } from './dependencies.js';

/** One replica's commit signature over a decided proposal. */
export interface CommitSignature {
  readonly replica: number;
  readonly signature: Uint8Array;
}

/**
 * The output of ordering: a proposal bound to a sequence, with a quorum (2f+1) of commit
 * signatures from one view. Self-certifying, so it can be handed over in state transfer; the
 * Fabric layer turns `signatures` into the block's SIGNATURES metadata.
 */
export interface Decision {
  readonly seq: number;
  readonly view: number;
  readonly proposal: Proposal;
  readonly digest: string;
  readonly signatures: readonly CommitSignature[];
}
