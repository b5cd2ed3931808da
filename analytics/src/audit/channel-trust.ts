import type { common } from '@hyperledger/fabric-protos';
import { resolveConsenters, type ResolvedConsenter } from '@speedledger/orderer-bft';
import { channel, lifecycle, policy, type validation } from '@speedledger/peer';
import type { AuditState } from './audit-state.js';

/**
 * What the audit trusts, all taken from the channel's genesis (config) block: the consenters
 * whose 2f+1 signatures make a block, the organisations' MSPs that endorsements and creators
 * chain to, and the channel policies. Nothing comes from a peer's opinion of its own blocks.
 */
export interface ChannelTrust {
  readonly channelId: string;
  readonly consenters: readonly ResolvedConsenter[];
  /** Distinct valid consenter signatures a block needs (2f+1). */
  readonly quorum: number;
  /** The Fabric validation context over the audit's rebuilt state. */
  validationContext(state: AuditState): validation.ValidationContext;
}

/** Reads the trust anchors from the genesis block (throws when it is not a usable channel config). */
export function channelTrust(genesis: common.Block): ChannelTrust {
  const config = channel.readPeerChannelConfig(genesis);
  const msp = channel.channelMspManager(config);
  const evaluateChannelPolicy = policy.createChannelPolicyEvaluator(config);
  const namespacePolicy = lifecycle.createLifecycleNamespacePolicy({ compilePolicy: lifecycle.compileEndorsementPolicy });
  return {
    channelId: config.channelId,
    consenters: resolveConsenters(config.consenters.map((c) => ({ id: c.id, mspId: c.mspId, certPem: c.certPem }))),
    quorum: config.quorum,
    validationContext: (state) => ({
      channelId: config.channelId,
      deserialize: (serialized) => msp.deserialize(serialized),
      state,
      txIdCommitted: async (txId) => state.txIdCommitted(txId),
      namespacePolicy,
      evaluateChannelPolicy,
    }),
  };
}
