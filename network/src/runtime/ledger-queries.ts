import * as protos from '@hyperledger/fabric-protos';
import { gatewayMessage, openGatewaySession } from '../adapters/gateway-session.js';
import { NetworkError } from '../errors/network-error.js';
import type { NetworkManifest } from '../manifest/network-manifest.js';

/** `peer channel getinfo`'s answer, hashes in lower-case hex. */
export interface ChannelInfo {
  readonly channel: string;
  readonly height: number;
  readonly currentBlockHash: string;
  readonly previousBlockHash: string;
}

/** Which block `peer channel fetch` asks for: a number, or Fabric's names. */
export type BlockSelector = { readonly number: bigint } | 'newest' | 'oldest' | 'config';

/** `newest`, `oldest`, `config` or a decimal block number; undefined for anything else. Pure. */
export function parseBlockSelector(text: string): BlockSelector | undefined {
  if (text === 'newest' || text === 'oldest' || text === 'config') return text;
  return /^[0-9]{1,20}$/.test(text) && BigInt(text) < 2n ** 64n - 1n ? { number: BigInt(text) } : undefined;
}

/** qscc's answer bytes to `fn(channel, ...args)` on ORG's peer, as `user` of ORG. */
async function qscc(manifest: NetworkManifest, org: string, user: string, fn: string, args: readonly string[]): Promise<Uint8Array> {
  const session = await openGatewaySession(manifest, org, user);
  try {
    return await session.network.getContract('qscc').evaluate(fn, { arguments: [manifest.channel, ...args] });
  } catch (cause) {
    throw new NetworkError('GATEWAY_FAILED', `qscc ${fn} on ${org}'s peer failed: ${gatewayMessage(cause)}`, { org, transaction: fn }, cause);
  } finally {
    session.close();
  }
}

/** `peer channel getinfo`: qscc GetChainInfo on ORG's peer. */
export async function channelInfo(manifest: NetworkManifest, org: string, user = 'User1'): Promise<ChannelInfo> {
  const info = protos.common.BlockchainInfo.deserializeBinary(await qscc(manifest, org, user, 'GetChainInfo', []));
  const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
  return { channel: manifest.channel, height: info.getHeight(), currentBlockHash: hex(info.getCurrentblockhash_asU8()), previousBlockHash: hex(info.getPreviousblockhash_asU8()) };
}

/**
 * `peer channel fetch`: the block's `common.Block` bytes from qscc GetBlockByNumber on ORG's
 * peer, with its number. `config` is block 0: the channel takes no config updates after its
 * genesis block, so that is its last config block.
 */
export async function fetchBlock(manifest: NetworkManifest, org: string, selector: BlockSelector, user = 'User1'): Promise<{ readonly number: number; readonly bytes: Uint8Array }> {
  const number = selector === 'oldest' || selector === 'config' ? '0' : selector === 'newest' ? '18446744073709551615' : String(selector.number);
  const bytes = await qscc(manifest, org, user, 'GetBlockByNumber', [number]);
  const header = protos.common.Block.deserializeBinary(bytes).getHeader();
  return { number: header?.getNumber() ?? 0, bytes };
}
