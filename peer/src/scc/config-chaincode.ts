import { common, peer } from '@hyperledger/fabric-protos';
import { decodeBounded } from '@speedledger/orderer-bft';
import type { SystemChaincode } from '../chaincode/chaincode-response.js';
import type { LedgerQueryAccess } from './ledger-query-access.js';
import { sccError, sccSuccess } from './system-chaincode-response.js';

/** Options of {@link createConfigChaincode}. */
export interface ConfigChaincodeOptions {
  readonly channelId: string;
  /** The channel's config block (the peer takes no config updates after it). */
  readonly configBlock: common.Block;
  /** The peer's own organisation: `GetChannels` is for its members (Fabric's local-MSP ACL). */
  readonly localMspId: string;
  readonly access: LedgerQueryAccess;
}

/** The `common.Config` a config block's CONFIG envelope carries. */
export function configOfBlock(block: common.Block): common.Config {
  const envelope = decodeBounded(common.Envelope, block.getData()?.getDataList_asU8()[0] ?? new Uint8Array());
  const payload = decodeBounded(common.Payload, envelope.getPayload_asU8());
  const config = decodeBounded(common.ConfigEnvelope, payload.getData_asU8()).getConfig();
  if (config === undefined) throw new Error(`block ${block.getHeader()?.getNumber()} carries no channel config`);
  return config;
}

/**
 * The part of Fabric's configuration system chaincode `cscc` a peer serving one fixed channel
 * can answer: `GetChannelConfig(channel)` → the marshalled `common.Config` of the channel's
 * current config (Readers policy, as Fabric's default ACL), `GetChannels()` → a
 * `peer.ChannelQueryResponse` naming the channel (members of the peer's organisation).
 * Joining channels is not supported: the channel comes from the peer's configured genesis block.
 */
export function createConfigChaincode(options: ConfigChaincodeOptions): SystemChaincode {
  const configBytes = configOfBlock(options.configBlock).serializeBinary();
  const channels = (() => {
    const info = new peer.ChannelInfo();
    info.setChannelId(options.channelId);
    const out = new peer.ChannelQueryResponse();
    out.setChannelsList([info]);
    return out.serializeBinary();
  })();
  return {
    name: 'cscc',
    ledgerQuery: true,
    async invoke({ args, creator }) {
      if (args.length < 1) return sccError(`Incorrect number of arguments, ${args.length}`);
      const fn = new TextDecoder().decode(args[0]);
      if (fn === 'GetChannels') {
        if (creator.mspId !== options.localMspId) return sccError(`access denied for [${fn}]: ${creator.mspId} is not a member of this peer's organisation ${options.localMspId}`);
        return sccSuccess(channels);
      }
      if (args.length < 2) return sccError(`Incorrect number of arguments, ${args.length}`);
      if (fn !== 'GetChannelConfig') {
        if (fn === 'JoinChain' || fn === 'JoinChainBySnapshot' || fn === 'JoinBySnapshotStatus') {
          return sccError(`${fn} is not supported: this peer serves the one channel of its configured genesis block`);
        }
        return sccError(`Requested function ${fn} not found.`);
      }
      const channel = new TextDecoder().decode(args[1]);
      if (channel === '') return sccError('empty channel name provided');
      if (channel !== options.channelId) return sccError(`unknown channel ID, ${channel}`);
      const denied = options.access('cscc/GetChannelConfig', creator);
      if (denied !== undefined) return sccError(`access denied for [${fn}][${channel}]: ${denied}`);
      return sccSuccess(configBytes);
    },
  };
}
