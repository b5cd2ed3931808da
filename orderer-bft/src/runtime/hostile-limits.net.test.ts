import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, makeGenericClientConstructor, status, type Client, type ServiceError } from '@grpc/grpc-js';
import { common, orderer } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeClusterConfigs } from '../cli/init-cluster-command.js';
import { AtomicBroadcastClient, buildEnvelope, buildSeekEnvelope, createClientIdentity, type ClientIdentity } from './broadcast-client.js';
import { LINK_HANDSHAKE_TIMEOUT_MS, MAX_STREAMS_PER_CONNECTION } from './request-limits.js';
import { DEFAULT_MAX_ENVELOPE_BYTES } from './node-config.js';
import { buildPackage, spawnReplica, waitFor, waitUntilListening, type LiveReplica } from './test-support/live-replicas.js';

/*
 * Issue 17 against a live 4-replica Fabric-mode cluster (real processes on 127.0.0.1): the freeze
 * message at every nesting level, oversized Broadcast and Pull, unauthenticated and surplus
 * replica-link streams. After all of it every replica must still answer and order a real envelope.
 */
const CHANNEL = 'speedledger';
const N = 4;
const FREEZE = [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, ...new Array<number>(64).fill(0x41)];
const MiB = 1024 * 1024;

const identity = (b: Buffer): Buffer => b;
const method = (path: string, streams: boolean) => ({
  path, requestStream: streams, responseStream: streams, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity,
});
const Raw = makeGenericClientConstructor({
  broadcast: method('/orderer.AtomicBroadcast/Broadcast', true),
  deliver: method('/orderer.AtomicBroadcast/Deliver', true),
  stream: method('/speedledger.orderer.ReplicaLink/Stream', true),
  pull: method('/speedledger.orderer.ReplicaLink/Pull', false),
}, 'Raw');
type RawClient = Client & Record<'broadcast' | 'deliver' | 'stream', (options: object) => NodeJS.ReadWriteStream> & {
  pull(request: Buffer, options: object, done: (error: ServiceError | null, response?: Buffer) => void): void;
};

const members: LiveReplica[] = [];
let dir: string;
let client: ClientIdentity;
const raws: RawClient[] = [];

function raw(id: number): RawClient {
  const made = new Raw(members[id]!.grpc, credentials.createInsecure(), { 'grpc.max_send_message_length': -1 }) as unknown as RawClient;
  raws.push(made);
  return made;
}

/** Writes `frames` on a fresh stream of `which`; the first answer (decoded) or the stream's error. */
function exchange(c: RawClient, which: 'broadcast' | 'deliver', frame: Buffer): Promise<{ status?: number; error?: ServiceError }> {
  return new Promise((resolve) => {
    const stream = c[which]({ deadline: Date.now() + 20_000 });
    stream.on('data', (bytes: Buffer) => {
      const status = which === 'broadcast' ? orderer.BroadcastResponse.deserializeBinary(bytes).getStatus() : orderer.DeliverResponse.deserializeBinary(bytes).getStatus();
      if (which === 'deliver' && orderer.DeliverResponse.deserializeBinary(bytes).hasBlock()) return;
      resolve({ status });
      stream.end();
    });
    stream.on('error', (error: ServiceError) => resolve({ error }));
    stream.write(frame);
  });
}

const pull = (c: RawClient, bytes: Buffer): Promise<ServiceError | Buffer> => new Promise((resolve) => {
  c.pull(bytes, { deadline: Date.now() + 20_000 }, (error, response) => resolve(error ?? response!));
});

/** An Envelope { payload: `payload` } (unsigned). */
const envelopeOf = (payload: Uint8Array): Buffer => {
  const envelope = new common.Envelope();
  envelope.setPayload(payload);
  return Buffer.from(envelope.serializeBinary());
};

async function height(id: number): Promise<number> {
  const c = new AtomicBroadcastClient(members[id]!.grpc);
  try {
    const { blocks, status: code } = await c.deliver(buildSeekEnvelope(CHANNEL, 0, undefined, false, client), 5000);
    if (code !== common.Status.SUCCESS) throw new Error(`Deliver status ${code}`);
    return blocks.length - 1;
  } finally {
    c.close();
  }
}

beforeAll(async () => {
  buildPackage();
  dir = await mkdtemp(join(tmpdir(), 'orderer-hostile-'));
  const configs = await writeClusterConfigs({
    out: dir, replicas: N, channel: CHANNEL, host: '127.0.0.1', fabric: true,
    protocol: { requestForwardTimeout: 500, requestComplainTimeout: 1000, viewChangeTimeout: 1000, stateTransferDelay: 200 },
  });
  for (const config of configs) {
    const json = JSON.parse(await readFile(config, 'utf8')) as { listen: { grpc: string; metrics: string } };
    members.push({ config, grpc: json.listen.grpc, metrics: json.listen.metrics, output: '' });
  }
  const read = (file: string): Promise<string> => readFile(join(dir, file), 'utf8');
  client = createClientIdentity('Org1MSP', await read('keys/client.cert.pem'), await read('keys/client.key.pem'));
  await Promise.all(members.map(async (member, id) => {
    spawnReplica(member);
    await waitUntilListening(member, `replica ${id}`);
  }));
}, 90_000);

afterAll(async () => {
  for (const c of raws) c.close();
  await Promise.all(members.map((m) => new Promise<void>((resolve) => {
    const child = m.process;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  })));
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('hostile input to a live orderer cluster (issue 17)', { timeout: 60_000 }, () => {
  it('Broadcast: the freeze message, at the top and inside Envelope → Payload → Header → ChannelHeader, gets BAD_REQUEST', async () => {
    const c = raw(0);
    const header = new common.Header();
    header.setChannelHeader(Uint8Array.from([0x08, 0x03, 0x1a, FREEZE.length, 0x7a, ...FREEZE.slice(1)]));
    header.setSignatureHeader(Uint8Array.from(FREEZE));
    const payload = new common.Payload();
    payload.setHeader(header);
    for (const frame of [Buffer.from(FREEZE), envelopeOf(Uint8Array.from(FREEZE)), envelopeOf(payload.serializeBinary())]) {
      expect(await exchange(c, 'broadcast', frame)).toEqual({ status: common.Status.BAD_REQUEST });
    }
  });

  it('Deliver: the freeze message raw, as the payload, and inside a signed SeekInfo gets BAD_REQUEST', async () => {
    const c = raw(1);
    // SeekInfo { start: SeekPosition { specified: <2^32-1 bytes> } }, signed by a member.
    const seek = buildEnvelope({ channel: CHANNEL, identity: client, data: Uint8Array.from([0x0a, FREEZE.length, 0x1a, ...FREEZE.slice(1)]), type: common.HeaderType.DELIVER_SEEK_INFO });
    for (const frame of [Buffer.from(FREEZE), envelopeOf(Uint8Array.from(FREEZE)), Buffer.from(seek.serializeBinary())]) {
      expect(await exchange(c, 'deliver', frame)).toEqual({ status: common.Status.BAD_REQUEST });
    }
  });

  it('Broadcast above its envelope limit and Pull above 4 KiB get RESOURCE_EXHAUSTED (64 MiB included)', async () => {
    const c = raw(2);
    for (const size of [DEFAULT_MAX_ENVELOPE_BYTES + 128 * 1024, 64 * MiB]) {
      const { error } = await exchange(c, 'broadcast', Buffer.alloc(size, 0x41));
      expect(error).toMatchObject({ code: status.RESOURCE_EXHAUSTED });
    }
    expect(await pull(c, Buffer.alloc(64 * MiB))).toMatchObject({ code: status.RESOURCE_EXHAUSTED });
    expect(await pull(c, Buffer.from(FREEZE))).toMatchObject({ code: status.INVALID_ARGUMENT });
  });

  it('a replica-link stream that never authenticates is closed after the handshake timeout; a big pre-auth frame at once', async () => {
    const c = raw(3);
    const started = Date.now();
    const silent = await new Promise<ServiceError>((resolve) => {
      const stream = c.stream({});
      stream.on('data', () => undefined);
      stream.on('error', resolve);
    });
    expect(silent.code).toBe(status.UNAUTHENTICATED);
    expect(Date.now() - started).toBeGreaterThanOrEqual(LINK_HANDSHAKE_TIMEOUT_MS - 200);
    const big = await new Promise<ServiceError>((resolve) => {
      const stream = c.stream({});
      stream.on('data', () => undefined);
      stream.on('error', resolve);
      stream.write(Buffer.alloc(MiB));
    });
    expect(big.code).toBe(status.RESOURCE_EXHAUSTED);
    await waitFor('the timeout to be logged', async () => (members[3]!.output.includes('link-auth-timeout') ? true : undefined), 5000);
  });

  it(`one connection gets at most ${MAX_STREAMS_PER_CONNECTION} concurrent streams`, async () => {
    const c = raw(3);
    let challenged = 0;
    const streams = Array.from({ length: MAX_STREAMS_PER_CONNECTION + 16 }, () => {
      const stream = c.stream({});
      stream.once('data', () => (challenged += 1));
      stream.on('error', () => undefined);
      return stream;
    });
    await waitFor('the first streams to be challenged', async () => (challenged >= MAX_STREAMS_PER_CONNECTION ? true : undefined), 3000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(challenged).toBe(MAX_STREAMS_PER_CONNECTION);
    for (const stream of streams) stream.end();
  });

  it('afterwards every replica answers and a real envelope is ordered on all four', async () => {
    const before = await Promise.all(members.map((_, id) => height(id)));
    const envelope = buildEnvelope({ channel: CHANNEL, identity: client, data: new TextEncoder().encode('reading after the attack') });
    const answers = await Promise.all(members.map(async (m) => {
      const c = new AtomicBroadcastClient(m.grpc);
      try {
        return (await c.broadcast(envelope)).status;
      } finally {
        c.close();
      }
    }));
    expect(answers).toEqual(members.map(() => common.Status.SUCCESS));
    await waitFor('the envelope on every replica', async () => {
      const heights = await Promise.all(members.map((_, id) => height(id)));
      return heights.every((h, id) => h > before[id]!) ? true : undefined;
    }, 20_000);
  });
});
