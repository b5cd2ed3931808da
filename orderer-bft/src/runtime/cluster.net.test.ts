import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { common } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeClusterConfigs } from '../cli/init-cluster-command.js';
import { blockHeaderHash } from '../fabric/block-hash.js';
import { readChannelConfig } from '../fabric/channel-config.js';
import { verifyBlock } from '../fabric/verify-block.js';
import { buildPackage, spawnReplica, waitFor, waitUntilListening, type LiveReplica } from './test-support/live-replicas.js';
import { AtomicBroadcastClient, buildEnvelope, buildSeekEnvelope, createClientIdentity, type ClientIdentity } from './broadcast-client.js';

/*
 * A live 4-replica cluster: real processes on 127.0.0.1 running the built CLI, a grpc-js
 * client speaking Fabric's AtomicBroadcast. Waits poll with deadlines; every process is
 * killed in afterAll.
 */
const CHANNEL = 'speedledger';
const N = 4;
const POOL = 400;

/** One cluster under test; `fabric` = MSP identities, genesis block and signed envelopes. */
interface Cluster {
  fabric: boolean;
  members: LiveReplica[];
  dir?: string;
  identity?: ClientIdentity;
  genesis?: common.Block;
}

let members: LiveReplica[] = [];
let cluster: Cluster;
let txCounter = 0;

async function start(id: number): Promise<void> {
  const member = members[id]!;
  spawnReplica(member);
  await waitUntilListening(member, `replica ${id}`);
}

function kill(id: number): Promise<void> {
  const child = members[id]!.process!;
  members[id]!.process = undefined;
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

function envelope(tag: string): common.Envelope {
  txCounter += 1;
  const data = new Uint8Array(1024).fill(txCounter % 251);
  return cluster.identity === undefined
    ? buildEnvelope({ channel: CHANNEL, txId: `${tag}-${txCounter}`, creator: new TextEncoder().encode('test-client'), data })
    : buildEnvelope({ channel: CHANNEL, identity: cluster.identity, data });
}

function txIdOf(bytes: Uint8Array): string {
  const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(bytes).getPayload_asU8());
  return common.ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8()).getTxId();
}

/** A BFT client sends each envelope to every live replica; true when at least one says SUCCESS. */
async function broadcastToLive(envelopes: common.Envelope[], live: number[]): Promise<boolean[]> {
  const clients = live.map((id) => new AtomicBroadcastClient(members[id]!.grpc));
  try {
    const answers = await Promise.all(clients.map((c) => Promise.all(envelopes.map((e) => c.broadcast(e)))));
    return envelopes.map((_, i) => answers.some((a) => a[i]!.status === common.Status.SUCCESS));
  } finally {
    for (const c of clients) c.close();
  }
}

/** The chain a replica serves: block header hashes and the tx ids in order. */
async function chainOf(id: number): Promise<{ headers: string[]; txIds: string[] } | undefined> {
  const client = new AtomicBroadcastClient(members[id]!.grpc);
  try {
    const { blocks, status } = await client.deliver(buildSeekEnvelope(CHANNEL, 0, undefined, false, cluster.identity), 5000);
    if (status !== common.Status.SUCCESS) return undefined;
    const headers: string[] = [];
    const txIds: string[] = [];
    const channel = cluster.genesis === undefined ? undefined : readChannelConfig(cluster.genesis);
    blocks.forEach((block, number) => {
      const header = block.getHeader()!;
      expect(header.getNumber()).toBe(number);
      if (number > 0) expect(Buffer.from(header.getPreviousHash_asU8()).toString('hex')).toBe(headers[number - 1]);
      if (number > 0 && channel !== undefined) {
        // Fabric mode: each block carries a quorum of valid consenter signatures.
        const previousHeaderHash = new Uint8Array(Buffer.from(headers[number - 1]!, 'hex'));
        expect(verifyBlock(block, { previousHeaderHash, consenters: channel.consenters, quorum: channel.quorum })).toMatchObject({ ok: true });
      }
      const hash = channel === undefined ? createHash('sha256').update(header.serializeBinary()).digest() : blockHeaderHash(header);
      headers.push(Buffer.from(hash).toString('hex'));
      if (number > 0) txIds.push(...block.getData()!.getDataList_asU8().map(txIdOf));
    });
    return { headers, txIds };
  } finally {
    client.close();
  }
}

/** Waits until every replica in `ids` serves the same chain containing every tx id in `expected`. */
async function agreedChain(ids: number[], expected: string[], timeoutMs = 25_000): Promise<string[]> {
  return waitFor(`replicas ${ids.join(',')} to agree on ${expected.length} transactions`, async () => {
    const chains = await Promise.all(ids.map(chainOf));
    if (chains.some((c) => c === undefined)) return undefined;
    const longest = chains.reduce((a, b) => (b!.headers.length > a!.headers.length ? b : a))!;
    const have = new Set(longest.txIds);
    if (!expected.every((tx) => have.has(tx))) return undefined;
    if (!chains.every((c) => c!.headers.length === longest.headers.length)) return undefined;
    for (const chain of chains) expect(chain!.headers).toEqual(longest.headers);
    expect(new Set(longest.txIds).size).toBe(longest.txIds.length);
    return longest.headers;
  }, timeoutMs);
}

async function leader(live: number[]): Promise<number> {
  return waitFor('a leader', async () => {
    for (const id of live) {
      const text = await (await fetch(`http://${members[id]!.metrics}/metrics`)).text();
      if (/orderer_is_leader\{replica="\d+"\} 1/.test(text)) return id;
    }
    return undefined;
  }, 10_000);
}

async function metric(id: number, name: string): Promise<number> {
  const text = await (await fetch(`http://${members[id]!.metrics}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`));
  return Number(line?.split(' ').at(-1));
}

beforeAll(buildPackage, 60_000);

describe.each([
  { mode: 'runtime keys and protobuf blocks', fabric: false },
  { mode: 'Fabric identities, genesis block and signed envelopes', fabric: true },
])('a live 4-replica cluster ($mode)', ({ fabric }) => {
  beforeAll(async () => {
    cluster = { fabric, members: [] };
    members = cluster.members;
    cluster.dir = await mkdtemp(join(tmpdir(), 'orderer-cluster-'));
    const configs = await writeClusterConfigs({
      out: cluster.dir, replicas: N, channel: CHANNEL, host: '127.0.0.1', fabric,
      protocol: { poolMaxSize: POOL, requestForwardTimeout: 500, requestComplainTimeout: 1000, viewChangeTimeout: 1000, stateTransferDelay: 200 },
    });
    for (const config of configs) {
      const json = JSON.parse(await readFile(config, 'utf8')) as { listen: { grpc: string; metrics: string } };
      members.push({ config, grpc: json.listen.grpc, metrics: json.listen.metrics, output: '' });
    }
    if (fabric) {
      const read = (file: string): Promise<string> => readFile(join(cluster.dir!, file), 'utf8');
      cluster.identity = createClientIdentity('Org1MSP', await read('keys/client.cert.pem'), await read('keys/client.key.pem'));
      cluster.genesis = common.Block.deserializeBinary(new Uint8Array(await readFile(join(cluster.dir, 'genesis.block'))));
    }
    await Promise.all(members.map((_, id) => start(id)));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(members.map((m, id) => (m.process === undefined ? undefined : kill(id))));
    if (cluster.dir !== undefined) await rm(cluster.dir, { recursive: true, force: true });
  });

  const everyone = [...Array(N).keys()];
  const sent: string[] = [];

  it.runIf(fabric)('refuses unsigned envelopes (BAD_REQUEST), unsigned Deliver requests (BAD_REQUEST) and forged ones (FORBIDDEN)', async () => {
    const client = new AtomicBroadcastClient(members[0]!.grpc);
    try {
      const unsigned = await client.broadcast(buildEnvelope({ channel: CHANNEL, creator: new Uint8Array(4), data: new Uint8Array(4) }));
      expect(unsigned.status).toBe(common.Status.BAD_REQUEST);
      const anonymous = await client.deliver(buildSeekEnvelope(CHANNEL, 0, 0, false), 5000);
      expect(anonymous).toEqual({ blocks: [], status: common.Status.BAD_REQUEST });
      const impostorKey = await readFile(join(cluster.dir!, 'keys/orderer0.key.pem'), 'utf8');
      const impostor = createClientIdentity('Org1MSP', await readFile(join(cluster.dir!, 'keys/client.cert.pem'), 'utf8'), impostorKey);
      const forged = await client.deliver(buildSeekEnvelope(CHANNEL, 0, 0, false, impostor), 5000);
      expect(forged).toEqual({ blocks: [], status: common.Status.FORBIDDEN });
      const member = await client.deliver(buildSeekEnvelope(CHANNEL, 0, 0, false, cluster.identity), 5000);
      expect(member.status).toBe(common.Status.SUCCESS);
      expect(member.blocks).toHaveLength(1);
    } finally {
      client.close();
    }
  });

  it('orders ~200 envelopes into the same chain on every replica', async () => {
    const batch = Array.from({ length: 200 }, () => envelope('a'));
    expect(await broadcastToLive(batch, everyone)).toEqual(batch.map(() => true));
    sent.push(...batch.map((e) => txIdOf(e.serializeBinary())));
    await agreedChain(everyone, sent);
  }, 40_000);

  it('answers BAD_REQUEST for garbage bytes and for an envelope of another channel', async () => {
    const client = new AtomicBroadcastClient(members[0]!.grpc);
    try {
      const garbage = await client.broadcastRaw(new Uint8Array([0xff, 0x01, 0x02, 0x03]));
      expect(garbage.status).toBe(common.Status.BAD_REQUEST);
      const wrongChannel = await client.broadcast(buildEnvelope({ channel: 'other', txId: 'x', data: new Uint8Array(1), ...(cluster.identity === undefined ? { creator: new Uint8Array(1) } : { identity: cluster.identity }) }));
      expect(wrongChannel).toMatchObject({ status: common.Status.BAD_REQUEST });
      expect(wrongChannel.info.toLowerCase()).toContain('channel');
    } finally {
      client.close();
    }
  });

  it('keeps ordering with a backup killed (kill -9), and the restarted backup catches up', async () => {
    const lead = await leader(everyone);
    const victim = (lead + 2) % N;
    await kill(victim);
    const live = everyone.filter((id) => id !== victim);
    const batch = Array.from({ length: 50 }, () => envelope('b'));
    expect(await broadcastToLive(batch, live)).toEqual(batch.map(() => true));
    sent.push(...batch.map((e) => txIdOf(e.serializeBinary())));
    await agreedChain(live, sent);
    await start(victim);
    await agreedChain(everyone, sent);
  }, 60_000);

  it('keeps ordering with the leader killed (view change), and the old leader catches up', async () => {
    const victim = await leader(everyone);
    await kill(victim);
    const live = everyone.filter((id) => id !== victim);
    const batch = Array.from({ length: 50 }, () => envelope('c'));
    expect(await broadcastToLive(batch, live)).toEqual(batch.map(() => true));
    sent.push(...batch.map((e) => txIdOf(e.serializeBinary())));
    await agreedChain(live, sent, 30_000);
    for (const id of live) expect(await metric(id, 'orderer_view')).toBeGreaterThan(0);
    await start(victim);
    await agreedChain(everyone, sent, 30_000);
  }, 70_000);

  it('answers SERVICE_UNAVAILABLE once a replica\'s pool is full', async () => {
    const lead = await leader(everyone);
    const backup = (lead + 1) % N;
    // A backup keeps requests pending until the leader orders them, so a burst fills its pool.
    const client = new AtomicBroadcastClient(members[backup]!.grpc);
    try {
      const burst = Array.from({ length: POOL * 2 }, () => envelope('d'));
      const answers = await Promise.all(burst.map((e) => client.broadcast(e)));
      const statuses = new Set(answers.map((a) => a.status));
      expect(statuses).toContain(common.Status.SERVICE_UNAVAILABLE);
      expect(statuses).toContain(common.Status.SUCCESS);
      expect([...statuses].every((s) => s === common.Status.SUCCESS || s === common.Status.SERVICE_UNAVAILABLE)).toBe(true);
    } finally {
      client.close();
    }
  }, 20_000);

  it('stops gracefully on SIGTERM', async () => {
    const child = members[3]!.process!;
    members[3]!.process = undefined;
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (exitCode) => resolve(exitCode));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(members[3]!.output).toContain('"event":"stopped"');
  }, 10_000);
});
