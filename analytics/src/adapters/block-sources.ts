import { createPrivateKey } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { loadClientIdentity, loadConnectionProfile, selectPeer, type ConnectOptions } from '@speedledger/ledger-client';
import { ledger } from '@speedledger/peer';
import { AnalyticsError } from '../errors/analytics-error.js';

/** Blocks in order from `fromBlock`, ending at `toBlock` or when the source has no more. */
export interface BlockSource {
  blocks(fromBlock: number, toBlock?: number): AsyncIterable<common.Block>;
  close(): Promise<void>;
}

/** Options of {@link deliverBlockSource}. */
export interface DeliverSourceOptions extends Pick<ConnectOptions, 'connectionProfile' | 'mspId' | 'mspDir' | 'certPem' | 'privateKeyPem' | 'peer' | 'channel'> {
  /** Without `toBlock`, the stream ends once no block arrived for this long (default 3 s): the chain head. Infinity follows forever. */
  readonly idleMs?: number;
}

/**
 * Blocks through the Deliver service of any peer, with `@hyperledger/fabric-gateway` (so the
 * same code reads a real Fabric 2.5/3.x peer): full blocks, re-decoded with this process's
 * protobuf classes.
 */
export async function deliverBlockSource(options: DeliverSourceOptions): Promise<BlockSource> {
  let profile: Awaited<ReturnType<typeof loadConnectionProfile>>;
  let identity: Awaited<ReturnType<typeof loadClientIdentity>>;
  try {
    profile = await loadConnectionProfile(options.connectionProfile);
    identity = await loadClientIdentity(options);
  } catch (cause) {
    throw new AnalyticsError('SOURCE_FAILED', `cannot connect for Deliver: ${(cause as Error).message}`, {}, cause);
  }
  const endpoint = selectPeer(profile, identity.mspId, options.peer);
  const credentials = endpoint.tlsRootCertPem !== undefined ? grpc.credentials.createSsl(Buffer.from(endpoint.tlsRootCertPem)) : grpc.credentials.createInsecure();
  const client = new grpc.Client(endpoint.address, credentials, endpoint.serverNameOverride ? { 'grpc.ssl_target_name_override': endpoint.serverNameOverride } : {});
  const gateway = connect({
    client, hash: hash.sha256,
    identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certPem) },
    signer: signers.newPrivateKeySigner(createPrivateKey(identity.privateKeyPem)),
  });
  const network = gateway.getNetwork(options.channel ?? 'speedledger');
  const idleMs = options.idleMs ?? 3_000;
  return {
    async *blocks(fromBlock, toBlock) {
      const events = await network.getBlockEvents({ startBlock: BigInt(fromBlock) });
      const iterator = events[Symbol.asyncIterator]();
      try {
        while (true) {
          const waitMs = toBlock === undefined ? idleMs : Number.POSITIVE_INFINITY;
          let timer: ReturnType<typeof setTimeout> | undefined;
          const next = Number.isFinite(waitMs)
            ? await Promise.race([iterator.next(), new Promise<'idle'>((resolve) => (timer = setTimeout(() => resolve('idle'), waitMs)))])
            : await iterator.next();
          clearTimeout(timer);
          if (next === 'idle' || next.done) return;
          const block = common.Block.deserializeBinary(next.value.serializeBinary());
          yield block;
          if (toBlock !== undefined && (block.getHeader()?.getNumber() ?? 0) >= toBlock) return;
        }
      } finally {
        events.close();
      }
    },
    async close() {
      gateway.close();
      client.close();
    },
  };
}

/**
 * Blocks from a stopped peer's block store, offline: the peer's data directory (e.g. the
 * embedded network's `net/data/peer0.inmetro`) or the LevelDB `ledger/` directory inside it.
 * The peer must not be running (LevelDB allows one process). A directory holding no LevelDB is
 * refused (SOURCE_FAILED) rather than opened, which would create an empty ledger there.
 */
export async function blockStoreSource(dir: string, channelId = 'speedledger'): Promise<BlockSource> {
  let ledgerDir: string | undefined;
  for (const candidate of [join(dir, 'ledger'), dir]) {
    try {
      await access(join(candidate, 'CURRENT'));
      ledgerDir = candidate;
      break;
    } catch {
      // not a LevelDB directory
    }
  }
  if (ledgerDir === undefined) {
    throw new AnalyticsError('SOURCE_FAILED', `no block store at ${dir}: expected a stopped peer's data directory (holding ledger/) or its ledger directory`, { dir });
  }
  let store: ledger.PeerLedger;
  try {
    store = await ledger.PeerLedger.open(ledgerDir, { channelId });
  } catch (cause) {
    throw new AnalyticsError('SOURCE_FAILED', `cannot open the block store ${ledgerDir} (is its peer still running?): ${(cause as Error).message}`, { dir: ledgerDir }, cause);
  }
  return {
    async *blocks(fromBlock, toBlock) {
      const last = Math.min(store.height() - 1, toBlock ?? Number.MAX_SAFE_INTEGER);
      for (let n = fromBlock; n <= last; n++) {
        const block = await store.blockByNumber(n);
        if (block === undefined) return;
        yield block;
      }
    },
    close: () => store.close(),
  };
}
