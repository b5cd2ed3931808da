import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, credentials, makeGenericClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { common, gateway, peer } from '@hyperledger/fabric-protos';
import { buildEnvelope, buildSeekEnvelope, type ClientIdentity } from '@speedledger/orderer-bft/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SigningIdentity } from '../msp/index.js';
import {
  buildPeerPackage, spawnLive, stopLive, waitFor, writeLiveNetwork, type LiveNetwork, type LivePeer,
} from './test-support/live-network.js';

const GatewayClient = makeGenericClientConstructor(gateway.GatewayService, 'Gateway');

const asClient = (id: SigningIdentity): ClientIdentity => ({ creator: id.serialized, sign: (p) => id.sign(p) });

async function status(p: LivePeer): Promise<{ height: number; currentBlockHash: string; orderer: string }> {
  const response = await fetch(`http://${p.operations}/status`);
  return (await response.json()) as { height: number; currentBlockHash: string; orderer: string };
}

function unary<Res>(client: object, method: string, request: unknown): Promise<Res> {
  return new Promise((resolve, reject) => {
    (client as Record<string, (r: unknown, o: object, cb: (e: ServiceError | null, v: Res) => void) => void>)[method]!(
      request, { deadline: Date.now() + 60_000 }, (error, value) => (error ? reject(error) : resolve(value)),
    );
  });
}

async function deliver(address: string, seek: { serializeBinary(): Uint8Array }, filtered: boolean): Promise<{ blocks: peer.DeliverResponse[]; status?: number }> {
  // Raw bytes on the wire: the seek comes from orderer-bft's own fabric-protos copy.
  const client = new Client(address, credentials.createInsecure());
  const call = client.makeBidiStreamRequest(
    `/protos.Deliver/${filtered ? 'DeliverFiltered' : 'Deliver'}`, (bytes: Uint8Array) => Buffer.from(bytes), (bytes: Buffer) => peer.DeliverResponse.deserializeBinary(bytes),
  );
  const blocks: peer.DeliverResponse[] = [];
  return new Promise((resolve) => {
    call.on('data', (response: peer.DeliverResponse) => {
      if (response.getTypeCase() === peer.DeliverResponse.TypeCase.STATUS) {
        call.cancel();
        client.close();
        resolve({ blocks, status: response.getStatus() });
      } else blocks.push(response);
    });
    call.on('error', () => resolve({ blocks }));
    call.write(seek.serializeBinary());
  });
}

describe('peer processes against a 4-replica orderer cluster', { timeout: 240_000 }, () => {
  let network: LiveNetwork;

  beforeAll(async () => {
    buildPeerPackage();
    network = await writeLiveNetwork(await mkdtemp(join(tmpdir(), 'peer-node-net-')), ['InmetroMSP', 'PTBMSP']);
    for (const o of network.orderers) spawnLive(o);
    await Promise.all(network.orderers.map((o) => waitFor(`${o.label} listening`, async () => (o.output.includes('"event":"listening"') ? true : undefined), 30_000)));
    for (const p of network.peers) spawnLive(p);
    await Promise.all(network.peers.map((p) => waitFor(`${p.label} healthy`, async () => ((await fetch(`http://${p.operations}/healthz`)).status === 200 ? true : undefined), 60_000)
      .catch((error: Error) => { throw new Error(`${error.message}\n${p.output}`); })));
  }, 240_000);

  afterAll(async () => {
    if (network === undefined) return;
    if (process.env.PEER_NET_DEBUG === '1') for (const p of network.peers) console.log(p.label, p.output.slice(-8000));
    await Promise.all([...network.peers, ...network.orderers].map((p) => stopLive(p)));
    await rm(network.dir, { recursive: true, force: true });
  });

  it('commits a submitted transaction on every peer and reports it through CommitStatus and Deliver', async () => {
    const [inmetro, ptb] = network.peers as [LivePeer, LivePeer];
    const client = network.identity('PTBMSP', 'client');
    // Not an endorsed transaction: the orderers order it, the peers commit it as invalid.
    const envelope = common.Envelope.deserializeBinary(buildEnvelope({ channel: network.channel, identity: asClient(client), data: new Uint8Array([1, 2, 3]) }).serializeBinary());
    const txId = common.ChannelHeader.deserializeBinary(common.Payload.deserializeBinary(envelope.getPayload_asU8()).getHeader()!.getChannelHeader_asU8()).getTxId();

    const gatewayClient = new GatewayClient(inmetro.grpc, credentials.createInsecure());
    const submit = new gateway.SubmitRequest();
    submit.setChannelId(network.channel);
    submit.setTransactionId(txId);
    submit.setPreparedTransaction(envelope);
    await unary(gatewayClient, 'submit', submit);

    const request = new gateway.CommitStatusRequest();
    request.setChannelId(network.channel);
    request.setTransactionId(txId);
    request.setIdentity(client.serialized);
    const signed = new gateway.SignedCommitStatusRequest();
    signed.setRequest(request.serializeBinary());
    signed.setSignature(client.sign(request.serializeBinary()));
    const committed = await unary<gateway.CommitStatusResponse>(gatewayClient, 'commitStatus', signed);
    expect(committed.getBlockNumber()).toBeGreaterThanOrEqual(1);
    expect(committed.getResult()).not.toBe(peer.TxValidationCode.VALID);

    const forged = new gateway.SignedCommitStatusRequest();
    forged.setRequest(request.serializeBinary());
    forged.setSignature(network.identity('InmetroMSP', 'client').sign(request.serializeBinary()));
    await expect(unary(gatewayClient, 'commitStatus', forged)).rejects.toMatchObject({ code: 7 });
    gatewayClient.close();

    const converged = await waitFor('both peers at the same height and hash', async () => {
      const [a, b] = await Promise.all([status(inmetro), status(ptb)]);
      return a.height > committed.getBlockNumber() && a.height === b.height && a.currentBlockHash === b.currentBlockHash ? a : undefined;
    }, 60_000);
    expect(network.ordererAddresses).toContain(converged.orderer);

    const reader = asClient(network.identity('InmetroMSP', 'client'));
    const seek = buildSeekEnvelope(network.channel, committed.getBlockNumber(), committed.getBlockNumber(), false, reader);
    const filtered = await deliver(ptb.grpc, seek, true);
    expect(filtered.status).toBe(common.Status.SUCCESS);
    const tx = filtered.blocks[0]!.getFilteredBlock()!.getFilteredTransactionsList().find((t) => t.getTxid() === txId);
    expect(tx?.getTxValidationCode()).toBe(committed.getResult());
    const full = await deliver(ptb.grpc, buildSeekEnvelope(network.channel, 0, 0, false, reader), false);
    expect(full.blocks[0]!.getBlock()!.getHeader()!.getNumber()).toBe(0);
    const beyond = await deliver(ptb.grpc, buildSeekEnvelope(network.channel, 10_000, 10_000, false, reader), false);
    expect(beyond.status).toBe(common.Status.NOT_FOUND);
    const outsider = buildSeekEnvelope(network.channel, 0, 0, false);
    expect((await deliver(ptb.grpc, outsider, false)).status).toBe(common.Status.FORBIDDEN);
    const metrics = await (await fetch(`http://${ptb.operations}/metrics`)).text();
    expect(metrics).toMatch(/speedledger_peer_transactions_committed_total\{code="\w+"\} [1-9]/);
  });

  it('answers Fabric\'s operations endpoints on a live peer and orderer; PUT /logspec changes what the orderer logs', async () => {
    const [inmetro] = network.peers as [LivePeer];
    const orderer = network.orderers[0]!;
    for (const member of [inmetro, orderer]) {
      const base = `http://${member.operations!}`;
      const health = await fetch(`${base}/healthz`);
      expect(health.status, member.label).toBe(200);
      const body = await health.json() as { status: string; time: string; failed_checks?: unknown; checks: Record<string, { ok: boolean }> };
      expect(body.status).toBe('OK');
      expect(Number.isNaN(Date.parse(body.time))).toBe(false);
      expect(body.failed_checks).toBeUndefined();
      expect(body.checks.eventLoop?.ok).toBe(true);
      const version = await (await fetch(`${base}/version`)).json() as { CommitSHA: string; Version: string };
      expect(version.Version).toBe('0.1.0');
      expect(version.CommitSHA).toMatch(/^([0-9a-f]{40}|unknown)$/);
      expect(await (await fetch(`${base}/logspec`)).json()).toEqual({ spec: 'info' });
      const refused = await fetch(`${base}/logspec`, { method: 'PUT', body: JSON.stringify({ spec: 'gossip=debug' }) });
      expect(refused.status).toBe(400);
    }
    expect(Object.keys(((await (await fetch(`http://${inmetro.operations}/healthz`)).json()) as { checks: object }).checks).sort()).toEqual(['committer', 'eventLoop', 'ledger']);

    // The orderer logs delivered blocks at debug only: none so far, then one once debug is on.
    expect(orderer.output).not.toContain('"event":"block-delivered"');
    const changed = await fetch(`http://${orderer.operations!}/logspec`, { method: 'PUT', body: JSON.stringify({ spec: 'debug' }) });
    expect(changed.status).toBe(204);
    expect(await (await fetch(`http://${orderer.operations!}/logspec`)).json()).toEqual({ spec: 'debug' });
    await waitFor('logspec-changed logged', async () => (orderer.output.includes('"event":"logspec-changed"') ? true : undefined), 10_000);
    const client = network.identity('PTBMSP', 'client');
    const envelope = common.Envelope.deserializeBinary(buildEnvelope({ channel: network.channel, identity: asClient(client), data: new Uint8Array([4, 5, 6]) }).serializeBinary());
    const submit = new gateway.SubmitRequest();
    submit.setChannelId(network.channel);
    submit.setTransactionId(common.ChannelHeader.deserializeBinary(common.Payload.deserializeBinary(envelope.getPayload_asU8()).getHeader()!.getChannelHeader_asU8()).getTxId());
    submit.setPreparedTransaction(envelope);
    const gatewayClient = new GatewayClient(inmetro.grpc, credentials.createInsecure());
    try {
      await unary(gatewayClient, 'submit', submit);
    } finally {
      gatewayClient.close();
    }
    await waitFor('a block delivered logged at debug', async () => (orderer.output.includes('"event":"block-delivered"') ? true : undefined), 60_000);
  });
});
