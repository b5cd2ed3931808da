import { readFile } from 'node:fs/promises';
import { common } from '@hyperledger/fabric-protos';
import type { SystemChaincode } from '../chaincode/chaincode-response.js';
import { openPackageStore } from '../chaincode/index.js';
import { channelMspManager, readPeerChannelConfig, type PeerChannelConfig } from '../channel/index.js';
import {
  approvalRuleFromDsl, approvalRuleFromEnvelope, compileEndorsementPolicy, createLifecycleChaincode, createLifecycleNamespacePolicy,
  LIFECYCLE_ENDORSEMENT_POLICY,
} from '../lifecycle/index.js';
import type { MspManager } from '../msp/index.js';
import { createChannelPolicyEvaluator, type ChannelPolicyEvaluator } from '../policy/index.js';
import type { StateReader } from '../ledger/world-state.js';
import type { NamespacePolicy } from '../validation/block-validation.js';
import type { PeerNodeConfig } from './peer-config.js';
import { PeerNodeError } from './peer-node-error.js';

/** The channel as this peer is configured for it: config, trust, policies and `_lifecycle`. */
export interface ChannelContext {
  readonly genesis: common.Block;
  readonly config: PeerChannelConfig;
  readonly msp: MspManager;
  readonly evaluateChannelPolicy: ChannelPolicyEvaluator;
  readonly lifecycle: SystemChaincode;
  namespacePolicy(namespace: string, key: string, state: StateReader): Promise<NamespacePolicy>;
  /** Orderer addresses to pull from and broadcast to: the config's, else the genesis consenters'. */
  readonly orderers: readonly string[];
}

/**
 * Reads the genesis block and builds the channel context. The lifecycle approval rule is
 * `lifecycle.approvalPolicy` when configured, else the channel's LifecycleEndorsement signature
 * policy; an ImplicitMeta one cannot be read over organisations and is a configuration error.
 */
export async function loadChannelContext(peerConfig: PeerNodeConfig): Promise<ChannelContext> {
  let genesis: common.Block;
  try {
    genesis = common.Block.deserializeBinary(new Uint8Array(await readFile(peerConfig.channel.genesisBlock)));
  } catch (cause) {
    throw new PeerNodeError('INVALID_MATERIAL', `cannot read the genesis block ${peerConfig.channel.genesisBlock}`, { file: peerConfig.channel.genesisBlock }, cause);
  }
  let config: PeerChannelConfig;
  try {
    config = readPeerChannelConfig(genesis);
  } catch (cause) {
    throw new PeerNodeError('INVALID_MATERIAL', `genesis block ${peerConfig.channel.genesisBlock} is not a usable channel config`, { file: peerConfig.channel.genesisBlock }, cause);
  }
  if (config.channelId !== peerConfig.channel.id) {
    throw new PeerNodeError('INVALID_MATERIAL', `genesis block is for channel '${config.channelId}', config names '${peerConfig.channel.id}'`, { channel: peerConfig.channel.id });
  }
  const organizations = config.organizations.map((o) => o.mspId);
  if (!organizations.includes(peerConfig.mspId)) {
    throw new PeerNodeError('INVALID_MATERIAL', `${peerConfig.mspId} is not an application organisation of channel ${config.channelId}`, { mspId: peerConfig.mspId });
  }
  let approvalsSatisfy: (approving: readonly string[]) => boolean;
  if (peerConfig.lifecycle !== undefined) {
    try {
      approvalsSatisfy = approvalRuleFromDsl(peerConfig.lifecycle.approvalPolicy);
    } catch (cause) {
      throw new PeerNodeError('INVALID_PEER_CONFIG', `config.lifecycle.approvalPolicy does not parse: ${(cause as Error).message}`, { field: 'lifecycle.approvalPolicy' }, cause);
    }
  } else {
    const policy = config.policies.get(LIFECYCLE_ENDORSEMENT_POLICY);
    if (policy?.kind !== 'signature') {
      throw new PeerNodeError('INVALID_PEER_CONFIG', `config.lifecycle.approvalPolicy is required: the channel's ${LIFECYCLE_ENDORSEMENT_POLICY} is not a signature policy`, {
        field: 'lifecycle.approvalPolicy',
      });
    }
    approvalsSatisfy = approvalRuleFromEnvelope(policy.envelope);
  }
  const orderers = peerConfig.orderers ?? config.consenters.map((c) => `${c.host}:${c.port}`);
  return {
    genesis,
    config,
    msp: channelMspManager(config),
    evaluateChannelPolicy: createChannelPolicyEvaluator(config),
    lifecycle: createLifecycleChaincode({
      organizations, compilePolicy: compileEndorsementPolicy, approvalsSatisfy,
      installedPackages: () => openPackageStore(peerConfig.chaincodePackagesDir).list().packages,
    }),
    namespacePolicy: createLifecycleNamespacePolicy({ compilePolicy: compileEndorsementPolicy }),
    orderers,
  };
}
