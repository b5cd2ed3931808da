/**
 * Ordering benchmark (a script, not a test): 4 (or `--replicas N`, 3f+1) replica processes on
 * this machine, 1 KB envelopes from a grpc-js Broadcast client to the leader, latency measured
 * from the send to the block's arrival on a follower's Deliver stream. `--json` adds one JSON
 * line with the figures (bench's `ordering` scenario reads it).
 *
 *   npm run bench:cluster -w orderer-bft -- [--seconds 10] [--rate 0 (unpaced)] [--window 4000] [--streams 4] [--replicas 4] [--json]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { common } from '@hyperledger/fabric-protos';
import { writeClusterConfigs } from '../cli/init-cluster-command.js';
import { AtomicBroadcastClient, buildEnvelope, buildSeekEnvelope, createClientIdentity } from './broadcast-client.js';

function txIdOf(envelope: common.Envelope): string {
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  return common.ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8()).getTxId();
}

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' }, rate: { type: 'string', default: '0' },
    window: { type: 'string', default: '4000' }, streams: { type: 'string', default: '4' }, batch: { type: 'string', default: '1000' },
    fabric: { type: 'boolean', default: false }, replicas: { type: 'string', default: '4' }, json: { type: 'boolean', default: false },
  },
  strict: true,
});
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const window = Number(values.window);
const streams = Number(values.streams);
const CHANNEL = 'speedledger';
const cliMain = join(dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const dir = await mkdtemp(join(tmpdir(), 'orderer-bench-'));
const configs = await writeClusterConfigs({
  out: dir, replicas: Number(values.replicas), channel: CHANNEL, host: '127.0.0.1', fabric: values.fabric,
  protocol: { batchMaxCount: Number(values.batch), poolMaxSize: 100_000 },
});
const members = await Promise.all(configs.map(async (path) => (JSON.parse(await readFile(path, 'utf8')) as { listen: { grpc: string } }).listen.grpc));
const children: ChildProcess[] = [];
try {
  await Promise.all(configs.map((config) => new Promise<void>((resolve, reject) => {
    // BENCH_REPLICA_NODE_ARGS (e.g. "--cpu-prof") profiles the replicas.
    const nodeArgs = (process.env.BENCH_REPLICA_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
    const child = spawn(process.execPath, [...nodeArgs, cliMain, 'orderer', 'start', '--config', config], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('"event":"listening"')) resolve();
    });
    child.once('exit', () => reject(new Error(`replica exited: ${out}`)));
  })));
  await new Promise((resolve) => setTimeout(resolve, 1000));

  const identity = values.fabric === true
    ? createClientIdentity('Org1MSP', await readFile(join(dir, 'keys/client.cert.pem'), 'utf8'), await readFile(join(dir, 'keys/client.key.pem'), 'utf8'))
    : undefined;
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let delivered = 0;
  let firstDelivery = 0;
  let lastDelivery = 0;
  const follower = new AtomicBroadcastClient(members[Math.min(1, members.length - 1)]!);
  const subscription = follower.subscribe(buildSeekEnvelope(CHANNEL, 1, Number.MAX_SAFE_INTEGER, true, identity), (block) => {
    const now = performance.now();
    for (const bytes of block.getData()!.getDataList_asU8()) {
      const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(bytes).getPayload_asU8());
      const txId = common.ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8()).getTxId();
      const at = sentAt.get(txId);
      if (at === undefined) continue;
      sentAt.delete(txId);
      latencies.push(now - at);
      delivered += 1;
      if (firstDelivery === 0) firstDelivery = now;
      lastDelivery = now;
    }
  });

  const clients = Array.from({ length: streams }, () => new AtomicBroadcastClient(members[0]!));
  const creator = new TextEncoder().encode('bench-client');
  const data = new Uint8Array(1024 - 120).fill(7);
  let sent = 0;
  let refused = 0;
  let inFlight = 0;
  const started = performance.now();
  const endAt = started + seconds * 1000;
  while (performance.now() < endAt) {
    const due = rate > 0 ? Math.floor(((performance.now() - started) / 1000) * rate) : Number.MAX_SAFE_INTEGER;
    const outstanding = sent - delivered;
    let room = Math.min(due - sent, window - outstanding, 500);
    while (room > 0) {
      const txId = `bench-${sent}`;
      const envelope = identity === undefined ? buildEnvelope({ channel: CHANNEL, txId, creator, data }) : buildEnvelope({ channel: CHANNEL, identity, data });
      const key = identity === undefined ? txId : txIdOf(envelope);
      sentAt.set(key, performance.now());
      inFlight += 1;
      void clients[sent % streams]!.broadcast(envelope).then((r) => {
        inFlight -= 1;
        if (r.status !== common.Status.SUCCESS) {
          refused += 1;
          sentAt.delete(key);
        }
      });
      sent += 1;
      room -= 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const drainUntil = performance.now() + 10_000;
  while (sentAt.size > 0 && performance.now() < drainUntil) await new Promise((resolve) => setTimeout(resolve, 20));
  latencies.sort((a, b) => a - b);
  const pct = (p: number): string => (latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN).toFixed(0);
  const span = (lastDelivery - firstDelivery) / 1000;
  console.log(`offered: ${rate > 0 ? `${rate}/s` : 'unpaced'}, window ${window}, ${streams} Broadcast streams to the leader, batchMaxCount ${values.batch}${identity === undefined ? '' : ', Fabric mode (signed envelopes, MSP validation)'}`);
  console.log(`sent ${sent}, refused ${refused}, delivered ${delivered} (undelivered ${sentAt.size}), in flight at end ${inFlight}`);
  console.log(`throughput: ${(delivered / span).toFixed(0)} envelopes/s over ${span.toFixed(1)} s`);
  console.log(`ordering latency ms: p50 ${pct(0.5)}, p90 ${pct(0.9)}, p99 ${pct(0.99)}, max ${pct(1)}`);
  console.log(`load after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  if (values.json) {
    const at = (p: number): number | null => latencies.length === 0 ? null : Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!);
    console.log(JSON.stringify({
      bench: 'orderer-cluster', replicas: members.length, fabric: values.fabric, rate: rate > 0 ? rate : 'unpaced', window, streams, batchMaxCount: Number(values.batch),
      sent, refused, delivered, undelivered: sentAt.size, seconds: Number(span.toFixed(2)), envelopesPerSecond: span > 0 ? Math.round(delivered / span) : 0,
      latencyMs: { p50: at(0.5), p90: at(0.9), p95: at(0.95), p99: at(0.99), max: at(1) }, loadAfter: loadavg().map((l) => Number(l.toFixed(1))),
    }));
  }
  subscription.cancel();
  for (const c of clients) c.close();
  follower.close();
} finally {
  // SIGTERM first (graceful stop writes CPU profiles), SIGKILL whatever is left after 5 s.
  await Promise.all(children.map((child) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.removeAllListeners('exit');
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  })));
  await rm(dir, { recursive: true, force: true });
}
