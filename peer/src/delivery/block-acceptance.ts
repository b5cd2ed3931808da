import { common } from '@hyperledger/fabric-protos';
import { verifyBlock, type BlockRejectionCode, type ResolvedConsenter } from '@speedledger/orderer-bft';
import { headerHashOf } from '../ledger/block-header-hash.js';
import type { SwitchReason } from './switch-reason.js';

/** Where the chain the puller accepted ends. */
export interface ChainTip {
  /** Number of the next block to accept. */
  readonly nextBlock: number;
  /** Header hash of block `nextBlock - 1`. */
  readonly previousHeaderHash: Uint8Array;
}

/** Verdict of {@link acceptBlock}. */
export type BlockAcceptance =
  | { readonly ok: true; readonly tip: ChainTip }
  | { readonly ok: false; readonly reason: SwitchReason; readonly detail: string; readonly signers?: readonly number[] };

const REFUSAL: Record<BlockRejectionCode, SwitchReason> = {
  INSUFFICIENT_SIGNATURES: 'BLOCK_REFUSED_SIGNATURES',
  BAD_DATA_HASH: 'BLOCK_REFUSED_DATA_HASH',
  BROKEN_CHAIN: 'BLOCK_REFUSED_CHAIN',
  MALFORMED_BLOCK: 'BLOCK_REFUSED_MALFORMED',
};

/**
 * Decides whether a block from an orderer may be handed on: it must be the next block, chain to
 * the tip, hash its data, and carry `quorum` (2f+1) valid signatures of distinct channel
 * consenters, so no single replica is trusted.
 */
export function acceptBlock(block: common.Block, tip: ChainTip, consenters: readonly ResolvedConsenter[], quorum: number): BlockAcceptance {
  const number = block.getHeader()?.getNumber();
  if (number === undefined) return { ok: false, reason: 'BLOCK_REFUSED_MALFORMED', detail: 'block has no header' };
  if (number !== tip.nextBlock) return { ok: false, reason: 'BLOCK_REFUSED_NUMBER', detail: `got block ${number}, expected ${tip.nextBlock}` };
  const verdict = verifyBlock(block, { previousHeaderHash: tip.previousHeaderHash, consenters, quorum });
  if (!verdict.ok) {
    return { ok: false, reason: REFUSAL[verdict.code], detail: `block ${number}: ${verdict.reason}`, ...(verdict.signers === undefined ? {} : { signers: verdict.signers }) };
  }
  return { ok: true, tip: { nextBlock: number + 1, previousHeaderHash: headerHashOf(block.getHeader()!) } };
}

/** The tip of a ledger that holds at least its genesis block (throws on an empty ledger). */
export function chainTipOf(ledger: { height(): number; lastBlockHash(): Uint8Array | undefined }): ChainTip {
  const previousHeaderHash = ledger.lastBlockHash();
  if (previousHeaderHash === undefined) throw new RangeError('the ledger is empty: commit the genesis block first');
  return { nextBlock: ledger.height(), previousHeaderHash };
}
