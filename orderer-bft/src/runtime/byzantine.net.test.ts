import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { common } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeClusterConfigs } from '../cli/init-cluster-command.js';
import { blockHeaderHash } from '../fabric/block-hash.js';
import {
  decodeBlockMetadataEntry, decodeIdentifierHeader, encodeBlockMetadataEntry, type MetadataSignature,
} from '../fabric/block-metadata.js';
import { readChannelConfig, type ChannelConfig } from '../fabric/channel-config.js';
import { verifyBlock } from '../fabric/verify-block.js';
import { buildPackage, spawnReplica, waitFor, waitUntilListening, type LiveReplica } from './test-support/live-replicas.js';
import { AtomicBroadcastClient, buildEnvelope, buildSeekEnvelope, createClientIdentity, type ClientIdentity } from './broadcast-client.js';

/*
 * "A replica that signs garbage is outvoted and its blocks are never accepted", live: four real
 * Fabric-mode processes on 127.0.0.1, one started with the test-only Byzantine switch. Every wait
 * polls with a deadline; every process is killed in afterAll.
 */
const CHANNEL = 'speedledger';
const N = 4;
const SIGNATURES = common.BlockMetadataIndex.SIGNATURES;

/** Only the replica meant to misbehave may have the test-only switch allowed. */
function startReplica(member: LiveReplica, allowByzantine: boolean): ChildProcess {
  const env = { ...process.env };
  delete env.SPEEDLEDGER_ALLOW_BYZANTINE;
  if (allowByzantine) env.SPEEDLEDGER_ALLOW_BYZANTINE = '1';
  return spawnReplica(member, env);
}

function txIdOf(bytes: Uint8Array): string {
  const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(bytes).getPayload_asU8());
  return common.ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8()).getTxId();
}

function signaturesOf(block: common.Block): readonly MetadataSignature[] {
  return decodeBlockMetadataEntry(block.getMetadata()!.getMetadataList_asU8()[SIGNATURES]!)!.signatures;
}

function signerIdOf(signature: MetadataSignature): number | undefined {
  return decodeIdentifierHeader(signature.identifierHeader)?.identifier;
}

/** A copy of `block` whose SIGNATURES metadata carries `signatures` instead. */
function withSignatures(block: common.Block, signatures: readonly MetadataSignature[]): common.Block {
  const copy = common.Block.deserializeBinary(block.serializeBinary());
  const entry = decodeBlockMetadataEntry(block.getMetadata()!.getMetadataList_asU8()[SIGNATURES]!)!;
  const list = copy.getMetadata()!.getMetadataList_asU8();
  list[SIGNATURES] = encodeBlockMetadataEntry({ value: entry.value, signatures });
  copy.getMetadata()!.setMetadataList(list);
  return copy;
}

beforeAll(buildPackage, 60_000);

describe.each([
  { role: 'a backup', byzantine: 1, garbageSignatures: 'proposals' as const, what: 'valid messages, garbage commit signatures' },
  { role: 'the initial leader', byzantine: 0, garbageSignatures: 'all' as const, what: 'garbage on every signature' },
])('a live Fabric cluster with $role signing garbage ($what)', ({ byzantine, garbageSignatures }) => {
  const members: LiveReplica[] = [];
  const honest = [...Array(N).keys()].filter((id) => id !== byzantine);
  let dir: string;
  let identity: ClientIdentity;
  let channel: ChannelConfig;
  let byzantineConsenterId: number;
  let txCounter = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orderer-byzantine-'));
    const configs = await writeClusterConfigs({
      out: dir, replicas: N, channel: CHANNEL, host: '127.0.0.1', fabric: true,
      protocol: { requestForwardTimeout: 500, requestComplainTimeout: 1000, viewChangeTimeout: 1000, stateTransferDelay: 200 },
    });
    for (const config of configs) {
      const json = JSON.parse(await readFile(config, 'utf8')) as { listen: { grpc: string; metrics: string } };
      members.push({ config, grpc: json.listen.grpc, metrics: json.listen.metrics, output: '' });
    }
    const path = configs[byzantine]!;
    await writeFile(path, JSON.stringify({ ...JSON.parse(await readFile(path, 'utf8')) as object, byzantine: { garbageSignatures } }, null, 2));
    const read = (file: string): Promise<string> => readFile(join(dir, file), 'utf8');
    identity = createClientIdentity('Org1MSP', await read('keys/client.cert.pem'), await read('keys/client.key.pem'));
    channel = readChannelConfig(common.Block.deserializeBinary(new Uint8Array(await readFile(join(dir, 'genesis.block')))));
    byzantineConsenterId = channel.consenters[byzantine]!.id;
  }, 30_000);

  afterAll(async () => {
    await Promise.all(members.map((m) => new Promise<void>((resolve) => {
      const child = m.process;
      if (child === undefined || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    })));
    await rm(dir, { recursive: true, force: true });
  });

  /** Every block a replica serves over Deliver (genesis included). */
  async function blocksOf(id: number): Promise<common.Block[]> {
    const client = new AtomicBroadcastClient(members[id]!.grpc);
    try {
      const { blocks, status } = await client.deliver(buildSeekEnvelope(CHANNEL, 0, undefined, false, identity), 5000);
      expect(status).toBe(common.Status.SUCCESS);
      return blocks;
    } finally {
      client.close();
    }
  }

  async function droppedInvalidSignatures(id: number): Promise<number> {
    const text = await (await fetch(`http://${members[id]!.metrics}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('orderer_protocol_messages_dropped_total{') && l.includes('reason="invalid_signature"'));
    return Number(line?.split(' ').at(-1));
  }

  it.runIf(byzantine === 0)('refuses to start the Byzantine config without SPEEDLEDGER_ALLOW_BYZANTINE=1', async () => {
    const member = members[byzantine]!;
    const child = startReplica(member, false);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(member.output).toContain('INVALID_RUNTIME_CONFIG');
    expect(member.output).toContain('SPEEDLEDGER_ALLOW_BYZANTINE');
  }, 15_000);

  it('starts, the Byzantine replica announcing its test mode loudly', async () => {
    for (const [id, member] of members.entries()) member.process = startReplica(member, id === byzantine);
    await Promise.all(members.map((m, id) => waitUntilListening(m, `replica ${id}`)));
    expect(members[byzantine]!.output).toContain('"event":"BYZANTINE-TEST-MODE"');
    for (const id of honest) expect(members[id]!.output).not.toContain('BYZANTINE');
  }, 20_000);

  it('keeps ordering: honest replicas agree on a chain of quorum-signed blocks none of whose counted signers is the Byzantine replica', async () => {
    // Several rounds, so that there are many blocks (and many commit races) to look at.
    const expected: string[] = [];
    let chains: common.Block[][] = [];
    for (let round = 0; round < 4; round += 1) {
      const batch = Array.from({ length: 30 }, () => {
        txCounter += 1;
        return buildEnvelope({ channel: CHANNEL, identity, data: new Uint8Array(512).fill(txCounter % 251) });
      });
      expected.push(...batch.map((e) => txIdOf(e.serializeBinary())));
      const clients = honest.map((id) => new AtomicBroadcastClient(members[id]!.grpc));
      try {
        const answers = await Promise.all(clients.map((c) => Promise.all(batch.map((e) => c.broadcast(e)))));
        expect(batch.map((_, i) => answers.some((a) => a[i]!.status === common.Status.SUCCESS))).toEqual(batch.map(() => true));
      } finally {
        for (const c of clients) c.close();
      }
      chains = await waitFor(`honest replicas to order every envelope of round ${round}`, async () => {
        const all = await Promise.all(honest.map(blocksOf));
        const have = all.map((blocks) => new Set(blocks.slice(1).flatMap((b) => b.getData()!.getDataList_asU8().map(txIdOf))));
        return have.every((txs) => expected.every((tx) => txs.has(tx))) && all.every((b) => b.length === all[0]!.length) ? all : undefined;
      }, 20_000);
    }
    const headers = chains[0]!.map((b) => Buffer.from(blockHeaderHash(b.getHeader()!)).toString('hex'));
    for (const blocks of chains) {
      expect(blocks.map((b) => Buffer.from(blockHeaderHash(b.getHeader()!)).toString('hex'))).toEqual(headers);
      for (const block of blocks.slice(1)) {
        const previousHeaderHash = blockHeaderHash(blocks[Number(block.getHeader()!.getNumber()) - 1]!.getHeader()!);
        const verdict = verifyBlock(block, { previousHeaderHash, consenters: channel.consenters, quorum: channel.quorum });
        expect(verdict, `block ${block.getHeader()!.getNumber()}`).toMatchObject({ ok: true });
        expect(verdict.ok && verdict.signers).not.toContain(byzantineConsenterId);
      }
    }
    // The honest replicas saw its garbage and dropped it. With garbage on every message each of
    // them must have; a garbage commit signature is only checked when it arrives before the
    // honest quorum, so in that mode at least one of them must have.
    const dropped = await Promise.all(honest.map(droppedInvalidSignatures));
    if (garbageSignatures === 'all') for (const count of dropped) expect(count).toBeGreaterThan(0);
    else expect(dropped.reduce((a, b) => a + b), `invalid signatures dropped by ${honest.join(',')}: ${dropped.join(',')}`).toBeGreaterThan(0);
    if (garbageSignatures === 'all') {
      // Its pre-prepares never counted: the honest replicas had to change view to make progress.
      for (const id of honest) expect(members[id]!.output).toContain('"event":"view-change"');
    }
  }, 45_000);

  it('never has its blocks accepted: what it serves is the honest chain or fails verifyBlock with INSUFFICIENT_SIGNATURES', async () => {
    const honestChain = await blocksOf(honest[0]!);
    const honestHeaders = honestChain.map((b) => Buffer.from(blockHeaderHash(b.getHeader()!)).toString('hex'));
    const served = await blocksOf(byzantine);
    expect(served.length).toBeLessThanOrEqual(honestChain.length);
    const garbage: { number: number; signature: MetadataSignature }[] = [];
    for (const block of served.slice(1)) {
      const number = Number(block.getHeader()!.getNumber());
      const verdict = verifyBlock(block, { previousHeaderHash: Buffer.from(honestHeaders[number - 1]!, 'hex'), consenters: channel.consenters, quorum: channel.quorum });
      if (verdict.ok) {
        expect(Buffer.from(blockHeaderHash(block.getHeader()!)).toString('hex')).toBe(honestHeaders[number]);
        expect(verdict.signers).not.toContain(byzantineConsenterId);
      } else {
        expect(verdict.code).toBe('INSUFFICIENT_SIGNATURES');
      }
      const own = signaturesOf(block).find((s) => signerIdOf(s) === byzantineConsenterId);
      if (own !== undefined) garbage.push({ number, signature: own });
    }
    // It decides with its own (garbage) commit signature whenever it orders normally.
    expect(garbage.length).toBeGreaterThan(0);

    // Splice its garbage signature into an honest block: with it counted in place of an honest
    // one the quorum is gone, and adding it to a full honest quorum changes nothing.
    const { number, signature } = garbage.at(-1)!;
    const block = honestChain[number]!;
    const options = { previousHeaderHash: Buffer.from(honestHeaders[number - 1]!, 'hex'), consenters: channel.consenters, quorum: channel.quorum };
    const honestSignatures = signaturesOf(block).filter((s) => signerIdOf(s) !== byzantineConsenterId);
    expect(honestSignatures.length).toBeGreaterThanOrEqual(channel.quorum);
    const replaced = withSignatures(block, [signature, ...honestSignatures.slice(0, channel.quorum - 1)]);
    expect(verifyBlock(replaced, options)).toMatchObject({ ok: false, code: 'INSUFFICIENT_SIGNATURES' });
    const added = verifyBlock(withSignatures(block, [signature, ...honestSignatures]), options);
    expect(added).toMatchObject({ ok: true });
    expect(added.ok && added.signers).not.toContain(byzantineConsenterId);
  }, 20_000);
});
