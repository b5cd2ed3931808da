import type { common } from '@hyperledger/fabric-protos';
import type { BlockValidation } from '../validation/block-validation.js';
import { DeliveryError } from './delivery-error.js';

/** Where validated blocks go: the peer ledger (`PeerLedger` fits). */
export interface CommitTarget {
  commit(block: common.Block, validation: BlockValidation): Promise<void>;
}

/** Options of {@link Committer}. */
export interface CommitterOptions {
  readonly ledger: CommitTarget;
  /** The block validator (validateBlock bound to its context); sees state as of the previous block. */
  readonly validate: (block: common.Block) => Promise<BlockValidation>;
}

/**
 * The commit pipeline: validate a block then commit it, one block at a time, so that each
 * validation sees the state the previous block left. `handle` resolves once the block is
 * durable; used as a {@link BlockPuller}'s `onBlock`, that is the backpressure (the next block
 * is not taken from the stream before).
 */
export class Committer {
  private chain: Promise<unknown> = Promise.resolve();
  private queued = 0;
  private stopped = false;

  constructor(private readonly options: CommitterOptions) {}

  /** Blocks accepted by `handle` and not yet committed (or failed). */
  get pending(): number {
    return this.queued;
  }

  /** Validates and commits `block` after every block handed earlier; rejects if either step fails. */
  handle(block: common.Block): Promise<void> {
    if (this.stopped) {
      return Promise.reject(new DeliveryError('COMMITTER_STOPPED', 'the committer is stopped', { block: Number(block.getHeader()?.getNumber() ?? -1) }));
    }
    this.queued += 1;
    const run = this.chain.then(async () => {
      try {
        const validation = await this.options.validate(block);
        await this.options.ledger.commit(block, validation);
      } finally {
        this.queued -= 1;
      }
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Refuses further blocks and waits for those already handed. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.chain;
  }
}
