import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { common } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configBlockValidation, headerHashOf, PeerLedger } from '../../ledger/index.js';
import { acceptBlock, chainTipOf } from '../block-acceptance.js';
import { Committer } from '../committer.js';
import {
  blocksServedBy, broadcastEnvelopes, killReplica, startLiveCluster, stopLiveCluster, txIdOf, type LiveCluster,
} from '../test-support/live-orderers.js';
import { BlockPuller } from './block-puller.js';
import { resolveConsenters } from '@speedledger/orderer-bft';

/*
 * Live: real orderer-bft processes in Fabric mode on loopback; the puller commits what it pulls
 * into a PeerLedger through the Committer. The validator stand-in marks every transaction VALID
 * (the broadcast envelopes are opaque test payloads, not endorser transactions).
 */

interface Peer {
  readonly dir: string;
  readonly ledger: PeerLedger;
  readonly puller: BlockPuller;
  readonly committedTxIds: Set<string>;
  readonly switches: Record<string, unknown>[];
}

async function startPeer(cluster: LiveCluster, endpoints?: readonly string[]): Promise<Peer> {
  const dir = await mkdtemp(join(tmpdir(), 'peer-delivery-ledger-'));
  const ledger = await PeerLedger.open(dir, { channelId: cluster.channel.channelId });
  await ledger.commit(cluster.genesis, configBlockValidation(cluster.genesis));
  const committedTxIds = new Set<string>();
  ledger.onCommit(({ block }) => {
    for (const envelope of block.getData()!.getDataList_asU8()) committedTxIds.add(txIdOf(envelope));
  });
  const committer = new Committer({ ledger, validate: async (block) => configBlockValidation(block) });
  const switches: Record<string, unknown>[] = [];
  const puller = BlockPuller.forChannel(cluster.channel, {
    ...(endpoints === undefined ? {} : { endpoints }),
    signer: cluster.signer, tip: chainTipOf(ledger), onBlock: (block) => committer.handle(block),
    stallTimeoutMs: 2000, baseBackoffMs: 100, maxBackoffMs: 2000,
    logger: { log: (_level, event, fields) => void (event === 'deliver-switch' && switches.push(fields ?? {})) },
  });
  puller.start();
  return { dir, ledger, puller, committedTxIds, switches };
}

async function stopPeer(peer: Peer | undefined): Promise<void> {
  if (peer === undefined) return;
  await peer.puller.stop();
  await peer.ledger.close();
  await rm(peer.dir, { recursive: true, force: true });
}

async function until(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The ledger's chain equals the replica's chain up to the ledger height. */
async function expectSameChain(peer: Peer, served: readonly common.Block[]): Promise<void> {
  expect(served.length).toBeGreaterThanOrEqual(peer.ledger.height());
  for (let n = 0; n < peer.ledger.height(); n += 1) {
    expect(hex(headerHashOf((await peer.ledger.blockByNumber(n))!.getHeader()!)), `block ${n}`).toBe(hex(headerHashOf(served[n]!.getHeader()!)));
  }
}

describe('BlockPuller on a live 4-replica orderer-bft cluster', { timeout: 120_000 }, () => {
  let cluster: LiveCluster | undefined;
  let peer: Peer | undefined;

  beforeAll(async () => {
    cluster = await startLiveCluster();
    peer = await startPeer(cluster);
  }, 60_000);

  afterAll(async () => {
    await stopPeer(peer);
    await stopLiveCluster(cluster);
  });

  it('pulls and commits what the cluster orders, from the first replica', async () => {
    const txIds = await broadcastEnvelopes(cluster!, cluster!.replicas, 20, 'first');
    await until('every envelope committed', () => txIds.every((id) => peer!.committedTxIds.has(id)));
    expect(peer!.switches).toEqual([]);
    expect(peer!.puller.currentEndpoint).toBe(cluster!.replicas[0]!.address);
    await expectSameChain(peer!, await blocksServedBy(cluster!, cluster!.replicas[1]!));
  });

  it('switches when the replica it pulls from is killed with -9, and keeps up', async () => {
    const victim = cluster!.replicas.find((r) => r.address === peer!.puller.currentEndpoint)!;
    await killReplica(victim);
    const survivors = cluster!.replicas.filter((r) => r !== victim);
    const txIds = await broadcastEnvelopes(cluster!, survivors, 20, 'after-kill');
    await until('every envelope committed after the kill', () => txIds.every((id) => peer!.committedTxIds.has(id)), 60_000);
    expect(peer!.switches[0]).toMatchObject({ from: victim.address });
    expect(['STREAM_FAILED', 'CONNECTION_FAILED']).toContain(peer!.switches[0]!.reason);
    expect(peer!.puller.currentEndpoint).not.toBe(victim.address);
    await expectSameChain(peer!, await blocksServedBy(cluster!, survivors[0]!));
  });
});

describe('BlockPuller pointed first at a garbage-signing replica', { timeout: 120_000 }, () => {
  const BYZANTINE = 1;
  let cluster: LiveCluster | undefined;
  let peer: Peer | undefined;

  beforeAll(async () => {
    cluster = await startLiveCluster({ [BYZANTINE]: 'proposals' });
    const byzantine = cluster.replicas[BYZANTINE]!;
    peer = await startPeer(cluster, [byzantine.address, ...cluster.replicas.filter((r) => r !== byzantine).map((r) => r.address)]);
  }, 60_000);

  afterAll(async () => {
    await stopPeer(peer);
    await stopLiveCluster(cluster);
  });

  it('commits only the honest, quorum-signed chain, refusing the first block it serves without 2f+1 valid signatures', async () => {
    const honest = cluster!.replicas.filter((r) => r.id !== BYZANTINE);
    const txIds: string[] = [];
    for (let round = 0; round < 3; round += 1) txIds.push(...await broadcastEnvelopes(cluster!, honest, 15, `round-${round}`));
    await until('every envelope committed', () => txIds.every((id) => peer!.committedTxIds.has(id)), 60_000);
    await expectSameChain(peer!, await blocksServedBy(cluster!, honest[0]!));

    // What the Byzantine replica serves, checked against the honest chain the ledger now holds.
    const served = await blocksServedBy(cluster!, cluster!.replicas[BYZANTINE]!);
    const consenters = resolveConsenters(cluster!.channel.consenters);
    let firstBad: number | undefined;
    for (const block of served.slice(1, peer!.ledger.height())) {
      const n = block.getHeader()!.getNumber();
      const tip = { nextBlock: n, previousHeaderHash: headerHashOf((await peer!.ledger.blockByNumber(n - 1))!.getHeader()!) };
      if (!acceptBlock(block, tip, consenters, cluster!.channel.quorum).ok) {
        firstBad = n;
        break;
      }
    }
    const fromByzantine = peer!.switches.filter((s) => s.from === cluster!.replicas[BYZANTINE]!.address);
    if (firstBad === undefined) {
      expect(fromByzantine).toEqual([]);
    } else {
      expect(fromByzantine[0]).toMatchObject({ reason: 'BLOCK_REFUSED_SIGNATURES', nextBlock: firstBad });
    }
  });
});
