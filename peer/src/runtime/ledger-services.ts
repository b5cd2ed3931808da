import type { PeerLedger } from '../ledger/index.js';
import type { CommittedBlocks } from '../services/index.js';
import type { ValidationContext } from '../validation/index.js';
import type { ChannelContext } from './channel-context.js';

/** The services' view of the ledger: blocks, live waiting on commits, transaction status. */
export function committedBlocks(ledger: PeerLedger): CommittedBlocks {
  return {
    height: () => ledger.height(),
    block: (n) => ledger.blockByNumber(n),
    waitForBlock(n, signal) {
      if (ledger.height() > n || signal.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = (): void => {
          unsubscribe();
          signal.removeEventListener('abort', done);
          resolve();
        };
        const unsubscribe = ledger.onCommit(() => {
          if (ledger.height() > n) done();
        });
        signal.addEventListener('abort', done, { once: true });
      });
    },
    async transactionStatus(txId) {
      const record = await ledger.txValidation(txId);
      return record === undefined ? undefined : { blockNumber: record.blockNum, code: record.code };
    },
  };
}

/**
 * What the block validator needs, over this peer's ledger and channel. Identities are checked
 * against the channel MSPs without a clock: a transaction valid when ordered stays valid on
 * replay (state rebuild, catch-up), as on Fabric.
 */
export function validationContext(ledger: PeerLedger, channel: ChannelContext): ValidationContext {
  return {
    channelId: channel.config.channelId,
    deserialize: (serialized) => channel.msp.deserialize(serialized),
    state: ledger.state,
    txIdCommitted: (txId) => ledger.txIdCommitted(txId),
    namespacePolicy: (namespace, key, state) => channel.namespacePolicy(namespace, key, state),
    evaluateChannelPolicy: channel.evaluateChannelPolicy,
  };
}
