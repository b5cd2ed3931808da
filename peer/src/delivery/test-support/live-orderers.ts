import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { common } from '@hyperledger/fabric-protos';
import { readChannelConfig, type ChannelConfig } from '@speedledger/orderer-bft';
import { writeClusterConfigs } from '@speedledger/orderer-bft/cli';
import { AtomicBroadcastClient, buildEnvelope, buildSeekEnvelope, createClientIdentity, type ClientIdentity } from '@speedledger/orderer-bft/runtime';
import { signingIdentityFromPem, type SigningIdentity } from '../../msp/index.js';
import { createDeliverClient, openDeliver } from '../adapters/deliver-client.js';

const CHANNEL = 'speedledger';

/** The built orderer CLI (the dependency build, `turbo run build --filter=peer^...`, makes it). */
const ordererCli = join(dirname(createRequire(import.meta.url).resolve('@speedledger/orderer-bft')), 'cli', 'main.js');

/** One orderer-bft replica process of a live test cluster. */
export interface LiveOrderer {
  readonly id: number;
  readonly config: string;
  readonly address: string;
  process?: ChildProcess;
  output: string;
}

/** A live Fabric-mode orderer-bft cluster on loopback. */
export interface LiveCluster {
  readonly dir: string;
  readonly replicas: LiveOrderer[];
  readonly genesis: common.Block;
  readonly channel: ChannelConfig;
  /** The application organisation's client, for Broadcast. */
  readonly client: ClientIdentity;
  /** The same client as a peer-side signing identity, for Deliver seeks. */
  readonly signer: SigningIdentity;
}

async function waitFor(what: string, probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Writes and starts a 4-replica Fabric-mode cluster. `byzantine` replicas get orderer-bft's
 * test-only garbage-signing switch (and only they get SPEEDLEDGER_ALLOW_BYZANTINE=1).
 */
export async function startLiveCluster(byzantine: Readonly<Record<number, 'proposals' | 'all'>> = {}): Promise<LiveCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'peer-delivery-cluster-'));
  const configs = await writeClusterConfigs({
    out: dir, replicas: 4, channel: CHANNEL, host: '127.0.0.1', fabric: true,
    protocol: { requestForwardTimeout: 500, requestComplainTimeout: 1000, viewChangeTimeout: 1000, stateTransferDelay: 200 },
  });
  const replicas: LiveOrderer[] = [];
  for (const [id, config] of configs.entries()) {
    const json = JSON.parse(await readFile(config, 'utf8')) as { listen: { grpc: string } };
    const mode = byzantine[id];
    if (mode !== undefined) await writeFile(config, JSON.stringify({ ...json, byzantine: { garbageSignatures: mode } }, null, 2));
    replicas.push({ id, config, address: json.listen.grpc, output: '' });
  }
  const read = (file: string): Promise<string> => readFile(join(dir, file), 'utf8');
  const [certPem, keyPem] = [await read('keys/client.cert.pem'), await read('keys/client.key.pem')];
  const genesis = common.Block.deserializeBinary(new Uint8Array(await readFile(join(dir, 'genesis.block'))));
  const cluster: LiveCluster = {
    dir, replicas, genesis, channel: readChannelConfig(genesis),
    client: createClientIdentity('Org1MSP', certPem, keyPem), signer: signingIdentityFromPem('Org1MSP', certPem, keyPem),
  };
  await Promise.all(replicas.map((r) => startReplica(r, byzantine[r.id] !== undefined)));
  return cluster;
}

/** Starts one replica process and waits until it listens. */
export async function startReplica(replica: LiveOrderer, allowByzantine = false): Promise<void> {
  const env = { ...process.env };
  delete env.SPEEDLEDGER_ALLOW_BYZANTINE;
  if (allowByzantine) env.SPEEDLEDGER_ALLOW_BYZANTINE = '1';
  replica.output = '';
  const child = spawn(process.execPath, [ordererCli, 'orderer', 'start', '--config', replica.config], { stdio: ['ignore', 'pipe', 'pipe'], env });
  child.stdout!.on('data', (chunk: Buffer) => (replica.output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (replica.output += chunk.toString()));
  replica.process = child;
  await waitFor(`replica ${replica.id} to listen (${replica.output.slice(-300)})`, () => replica.output.includes('"event":"listening"'), 20_000);
}

/** kill -9 of a replica; resolves once it exited. */
export function killReplica(replica: LiveOrderer): Promise<void> {
  const child = replica.process;
  replica.process = undefined;
  return new Promise((resolve) => {
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Kills every replica and removes the cluster's directory. */
export async function stopLiveCluster(cluster: LiveCluster | undefined): Promise<void> {
  if (cluster === undefined) return;
  await Promise.all(cluster.replicas.map(killReplica));
  await rm(cluster.dir, { recursive: true, force: true });
}

/** The tx id of a serialised envelope. */
export function txIdOf(envelope: Uint8Array): string {
  const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelope).getPayload_asU8());
  return common.ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8()).getTxId();
}

/**
 * Broadcasts `count` signed envelopes through the given replicas (each envelope to all of them,
 * as a Fabric client that tolerates a faulty orderer does); returns their tx ids.
 */
export async function broadcastEnvelopes(cluster: LiveCluster, through: readonly LiveOrderer[], count: number, tag: string): Promise<string[]> {
  const envelopes = Array.from({ length: count }, (_, i) => buildEnvelope({ channel: CHANNEL, identity: cluster.client, data: new TextEncoder().encode(`${tag} ${i}`) }));
  const clients = through.map((r) => new AtomicBroadcastClient(r.address));
  try {
    const answers = await Promise.all(clients.map((c) => Promise.all(envelopes.map((e) => c.broadcast(e)))));
    const accepted = envelopes.map((_, i) => answers.some((a) => a[i]!.status === common.Status.SUCCESS));
    if (!accepted.every(Boolean)) throw new Error(`some envelopes were refused by every replica: ${JSON.stringify(answers.map((a) => a.map((r) => r.status)))}`);
  } finally {
    for (const c of clients) c.close();
  }
  return envelopes.map((e) => txIdOf(e.serializeBinary()));
}

/** Every block a replica serves now (genesis included), over Deliver. */
export async function blocksServedBy(cluster: LiveCluster, replica: LiveOrderer): Promise<common.Block[]> {
  const client = createDeliverClient(replica.address);
  const identity = { creator: cluster.signer.serialized, sign: (m: Uint8Array) => cluster.signer.sign(m) };
  try {
    return await new Promise<common.Block[]>((resolve, reject) => {
      const blocks: common.Block[] = [];
      const call = openDeliver(client, 10_000);
      call.on('data', (response) => {
        const block = response.getBlock();
        if (block !== undefined) blocks.push(block);
        else if (response.getStatus() === common.Status.SUCCESS) resolve(blocks);
        else reject(new Error(`Deliver status ${response.getStatus()}`));
      });
      call.on('error', reject);
      call.write(buildSeekEnvelope(CHANNEL, 0, undefined, false, identity).serializeBinary());
      call.end();
    });
  } finally {
    client.close();
  }
}
