import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, credentials, makeGenericClientConstructor, status, type ServiceError } from '@grpc/grpc-js';
import { common, gateway, orderer, peer } from '@hyperledger/fabric-protos';
import { buildEnvelope, buildSeekEnvelope, type ClientIdentity } from '@speedledger/orderer-bft/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSignedProposal } from '../endorser/signed-proposal.js';
import type { SigningIdentity } from '../msp/index.js';
import { buildPeerPackage, spawnLive, stopLive, waitFor, writeLiveNetwork, type LiveNetwork, type LivePeer } from './test-support/live-network.js';

/*
 * Issue 17 item 4 on a live network (4 BFT orderers, two peers): a certificate issued by a
 * member organisation's CA but with no role NodeOUs recognise is refused by Evaluate, Endorse,
 * Submit and Deliver on the peer (PERMISSION_DENIED / FORBIDDEN) and by Deliver and Broadcast on
 * every orderer (FORBIDDEN), while the organisation's client is served.
 */
const GatewayClient = makeGenericClientConstructor(gateway.GatewayService, 'Gateway');
const asClient = (id: SigningIdentity): ClientIdentity => ({ creator: id.serialized, sign: (p) => id.sign(p) });

function unary<Res>(client: object, method: string, request: unknown): Promise<Res> {
  return new Promise((resolve, reject) => {
    (client as Record<string, (r: unknown, o: object, cb: (e: ServiceError | null, v: Res) => void) => void>)[method]!(
      request, { deadline: Date.now() + 30_000 }, (error, value) => (error ? reject(error) : resolve(value)),
    );
  });
}

/** First status a Deliver stream (peer or orderer) answers a seek with. */
function deliverStatus(address: string, path: string, seek: Uint8Array): Promise<number> {
  const client = new Client(address, credentials.createInsecure());
  const call = client.makeBidiStreamRequest(path, (b: Uint8Array) => Buffer.from(b), (b: Buffer) => b);
  return new Promise<number>((resolve, reject) => {
    call.on('data', (bytes: Buffer) => {
      const response = path.startsWith('/protos') ? peer.DeliverResponse.deserializeBinary(bytes) : orderer.DeliverResponse.deserializeBinary(bytes);
      if (response.getStatus() === 0) return;
      resolve(response.getStatus());
      call.cancel();
    });
    call.on('error', (error: ServiceError) => reject(error));
    call.write(seek);
  }).finally(() => client.close());
}

function broadcastStatus(address: string, envelope: Uint8Array): Promise<number> {
  const client = new Client(address, credentials.createInsecure());
  const call = client.makeBidiStreamRequest('/orderer.AtomicBroadcast/Broadcast', (b: Uint8Array) => Buffer.from(b), (b: Buffer) => orderer.BroadcastResponse.deserializeBinary(b));
  return new Promise<number>((resolve, reject) => {
    call.on('data', (response: orderer.BroadcastResponse) => {
      resolve(response.getStatus());
      call.end();
    });
    call.on('error', reject);
    call.write(envelope);
  }).finally(() => client.close());
}

describe('access control for a certificate with no recognised role', { timeout: 240_000 }, () => {
  let network: LiveNetwork;

  beforeAll(async () => {
    buildPeerPackage();
    network = await writeLiveNetwork(await mkdtemp(join(tmpdir(), 'peer-acl-net-')), ['InmetroMSP', 'PTBMSP'], { guests: true });
    for (const o of network.orderers) spawnLive(o);
    await Promise.all(network.orderers.map((o) => waitFor(`${o.label} listening`, async () => (o.output.includes('"event":"listening"') ? true : undefined), 30_000)));
    for (const p of network.peers) spawnLive(p);
    await Promise.all(network.peers.map((p) => waitFor(`${p.label} healthy`, async () => ((await fetch(`http://${p.operations}/healthz`)).status === 200 ? true : undefined), 60_000)));
  }, 240_000);

  afterAll(async () => {
    if (network === undefined) return;
    await Promise.all([...network.peers, ...network.orderers].map((p) => stopLive(p)));
    await rm(network.dir, { recursive: true, force: true });
  });

  it('the peer refuses the guest on Evaluate, Endorse and Submit with PERMISSION_DENIED and on Deliver with FORBIDDEN', async () => {
    const inmetro = network.peers[0] as LivePeer;
    const guest = network.identity('InmetroMSP', 'guest');
    const client = new GatewayClient(inmetro.grpc, credentials.createInsecure());
    try {
      const { signed, txId } = buildSignedProposal({ signer: guest, channelId: network.channel, chaincode: 'lr-chaincode', args: ['getMeter', 'm1'], timestamp: new Date() });
      const evaluate = new gateway.EvaluateRequest();
      evaluate.setChannelId(network.channel);
      evaluate.setTransactionId(txId);
      evaluate.setProposedTransaction(signed);
      await expect(unary(client, 'evaluate', evaluate)).rejects.toMatchObject({ code: status.PERMISSION_DENIED, details: expect.stringMatching(/Readers/) });
      const endorse = new gateway.EndorseRequest();
      endorse.setChannelId(network.channel);
      endorse.setTransactionId(txId);
      endorse.setProposedTransaction(signed);
      await expect(unary(client, 'endorse', endorse)).rejects.toMatchObject({ code: status.PERMISSION_DENIED, details: expect.stringMatching(/Writers/) });
      const envelope = common.Envelope.deserializeBinary(buildEnvelope({ channel: network.channel, identity: asClient(guest), data: new Uint8Array([1]) }).serializeBinary());
      const submit = new gateway.SubmitRequest();
      submit.setChannelId(network.channel);
      submit.setTransactionId('guest-tx');
      submit.setPreparedTransaction(envelope);
      await expect(unary(client, 'submit', submit)).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
    } finally {
      client.close();
    }
    const seek = (id: SigningIdentity) => buildSeekEnvelope(network.channel, 0, 0, false, asClient(id)).serializeBinary();
    expect(await deliverStatus(inmetro.grpc, '/protos.Deliver/Deliver', seek(guest))).toBe(common.Status.FORBIDDEN);
    expect(await deliverStatus(inmetro.grpc, '/protos.Deliver/Deliver', seek(network.identity('InmetroMSP', 'client')))).toBe(common.Status.SUCCESS);
  });

  it('every orderer refuses the guest on Deliver and Broadcast with FORBIDDEN and serves the client', async () => {
    const guest = network.identity('PTBMSP', 'guest');
    const client = network.identity('PTBMSP', 'client');
    for (const address of network.ordererAddresses) {
      expect(await deliverStatus(address, '/orderer.AtomicBroadcast/Deliver', buildSeekEnvelope(network.channel, 0, 0, false, asClient(guest)).serializeBinary())).toBe(common.Status.FORBIDDEN);
      expect(await deliverStatus(address, '/orderer.AtomicBroadcast/Deliver', buildSeekEnvelope(network.channel, 0, 0, false, asClient(client)).serializeBinary())).toBe(common.Status.SUCCESS);
      expect(await broadcastStatus(address, buildEnvelope({ channel: network.channel, identity: asClient(guest), data: new Uint8Array([2]) }).serializeBinary())).toBe(common.Status.FORBIDDEN);
    }
    expect(await broadcastStatus(network.ordererAddresses[0]!, buildEnvelope({ channel: network.channel, identity: asClient(client), data: new Uint8Array([3]) }).serializeBinary())).toBe(common.Status.SUCCESS);
  });
});
