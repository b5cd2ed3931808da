import { createHash, X509Certificate } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { Signer, Verifier } from '../core/dependencies.js';
import { sha256Hasher } from '../sim/sim-crypto.js';
import { canonicalBytes } from '../core/canonical-bytes.js';
import { encodeValue } from './codec.js';
import { ATOMIC_BROADCAST_SERVER_DEFINITION, createAtomicBroadcastService } from './atomic-broadcast.js';
import { createGarbageSigner } from './byzantine-signer.js';
import { createEcdsaSigner, createEcdsaVerifier } from './ecdsa-identity.js';
import { createFabricIdentity, createFabricLedgerFormat, type FabricLedger } from './fabric-ledger-format.js';
import { RuntimeError } from './runtime-error.js';
import type { LedgerFormat } from './ledger-format.js';
import { REPLICA_LINK_SERVICE } from './link-protocol.js';
import { boundedRequestInterceptor, largestLimit } from './bounded-grpc.js';
import { createLinkServer } from './link-server.js';
import { LINK_FRAME_BYTES, linkFrameLimit, MAX_STREAMS_PER_CONNECTION, ordererRequestLimits } from './request-limits.js';
import { createJsonLogger } from './logger.js';
import { LogSpec } from './log-spec.js';
import { startOperationsHttp, type OperationsHttp } from './operations-http.js';
import { readVersionInfo } from './version-info.js';
import { EventLoopWatchdog } from './event-loop-watchdog.js';
import { ReplicaMetrics } from './metrics.js';
import type { OrdererNodeConfig } from './node-config.js';
import { PeerLink } from './peer-link.js';
import { createProtoLedgerFormat } from './proto-ledger-format.js';
import { ReplicaHost } from './replica-host.js';
import { BlockStore } from './storage/block-store.js';
import { WriteAheadLog } from './storage/write-ahead-log.js';

/** A pull answers at most PULL_RESPONSE_SOFT_BYTES plus one block; 10 s is generous for that on loopback or a LAN. */
const PULL_TIMEOUT_MS = 10_000;

/** Pluggable pieces; the defaults are the runtime's own ECDSA identities and protobuf blocks. */
export interface OrdererNodeOptions {
  /** Where JSON-lines logs go (default: process.stdout). */
  readonly log?: { write(text: string): unknown };
  readonly createLedgerFormat?: (config: OrdererNodeConfig) => LedgerFormat;
  readonly createIdentity?: (config: OrdererNodeConfig) => { signer: Signer; verifier: Verifier };
}

/** The orderer's `GET /status` document (on its metrics address): which replica of which channel answers. */
export interface OrdererStatus {
  readonly kind: 'orderer';
  /** Replica index in the consenter list. */
  readonly id: number;
  readonly channel: string;
  /** Lower-case hex SHA-256 of the DER of the consenter's certificate (Fabric mode only). */
  readonly certSha256?: string;
  /** Blocks durably delivered (without genesis). */
  readonly height: number;
  readonly view: number;
}

/** A running replica process's handles. */
export interface RunningOrderer {
  readonly host: ReplicaHost;
  readonly grpcPort: number;
  readonly metricsPort?: number;
  /** Graceful stop: no new work, servers closed, storage flushed and closed. */
  stop(): Promise<void>;
}

/** The genesis description every replica derives identically from the cluster spec. */
export function clusterGenesisData(config: Pick<OrdererNodeConfig, 'channel' | 'replicas'>): Uint8Array {
  return canonicalBytes({ channel: config.channel, replicas: config.replicas.map((r) => ({ id: r.id, publicKey: r.publicKeyPem ?? '' })) });
}

/** Opens storage, restores the replica, connects the links and serves gRPC (and metrics). */
export async function startOrdererNode(config: OrdererNodeConfig, options: OrdererNodeOptions = {}): Promise<RunningOrderer> {
  const n = config.replicas.length;
  await mkdir(config.dataDir, { recursive: true });
  const { wal, records, droppedBytes } = await WriteAheadLog.open(join(config.dataDir, 'wal'));
  const blocks = await BlockStore.open(join(config.dataDir, 'blocks'));
  const fabric = config.fabric === undefined ? undefined : createFabricLedgerFormat(config.fabric.genesisBlock);
  if (fabric !== undefined && (fabric.channel.consenters.length !== n || fabric.channel.channelId !== config.channel)) {
    throw new RuntimeError('INVALID_RUNTIME_CONFIG', `genesis block has ${fabric.channel.consenters.length} consenters on channel ${fabric.channel.channelId}, config has ${n} replicas on ${config.channel}`, { field: 'fabric.genesisBlockFile' });
  }
  const format = options.createLedgerFormat?.(config) ?? fabric?.format
    ?? createProtoLedgerFormat({ channel: config.channel, maxEnvelopeBytes: config.maxEnvelopeBytes, genesisData: clusterGenesisData(config) });
  const { signer, verifier } = options.createIdentity?.(config) ?? defaultIdentity(config, fabric);

  let host: ReplicaHost | undefined = undefined;
  const logSpec = new LogSpec(config.logLevel);
  const logger = createJsonLogger(options.log ?? process.stdout, config.id,
    () => (host === undefined ? { view: 0, seq: blocks.height } : { view: host.status.view, seq: host.status.lastDecided }), () => logSpec.level);
  if (droppedBytes > 0) logger.log('warn', 'wal-torn-tail-dropped', { bytes: droppedBytes });
  let coreSigner = signer;
  if (config.byzantine !== undefined) {
    // Loud on purpose: a garbage-signing replica must never go unnoticed in a log.
    logger.log('error', 'BYZANTINE-TEST-MODE', {
      garbageSignatures: config.byzantine.garbageSignatures,
      warning: 'TEST ONLY: this replica deliberately signs garbage; never run it in production',
    });
    process.stderr.write(`*** replica ${config.id}: BYZANTINE TEST MODE (garbageSignatures=${config.byzantine.garbageSignatures}) — TEST ONLY ***\n`);
    coreSigner = createGarbageSigner(signer, config.byzantine.garbageSignatures);
  }

  // Links authenticate with the genuine key even in Byzantine test mode, so that the garbage
  // reaches the honest cores and is rejected there (and counted), not at the link handshake.
  const links = new Map<number, PeerLink>();
  const linkEvent = (event: string, detail: Record<string, unknown>): void => logger.log(event === 'link-auth-failed' || event === 'link-frame-too-large' ? 'warn' : 'info', event, detail);
  for (const member of config.replicas) {
    if (member.id !== config.id) links.set(member.id, new PeerLink(config.id, member.id, member.address, signer, linkEvent));
  }
  const watchdog = new EventLoopWatchdog({ name: `orderer${config.id}` });
  const metrics = new ReplicaMetrics(config.id, () => {
    const status = host?.status;
    const lag = host?.lag;
    return {
      height: blocks.height, view: status?.view ?? 0, poolSize: status?.poolSize ?? 0, isLeader: status?.isLeader ?? false,
      eventLoopDelayMs: watchdog.health().maxDelayMs,
      ...(status === undefined ? {} : {
        counters: status.counters, decidedHeight: status.lastDecided, quorumHeight: status.quorumHeight, quorumView: status.quorumView,
      }),
      ...(lag === undefined ? {} : { behind: lag.behind, stateTransferInProgress: lag.stateTransferInProgress }),
    };
  });
  wal.onFsync = (seconds) => metrics.observeFsync(seconds);
  const running = new ReplicaHost({
    config: { ...config.protocol, id: config.id, n },
    deps: { signer: coreSigner, verifier, assembler: format.assembler, inspector: format.inspector, hasher: sha256Hasher, genesisHeader: format.genesisHeader },
    wal, walRecords: records, blocks, logger, metrics,
    transport: {
      send: (to, envelope) => links.get(to)?.send(envelope),
      broadcast: (envelope) => {
        const frame = Buffer.from(encodeValue(envelope));
        for (const link of links.values()) link.sendFrame(frame);
      },
      pull: (peer, fromSeq, max) => links.get(peer)?.pull(fromSeq, max, PULL_TIMEOUT_MS) ?? Promise.resolve([]),
    },
    countTransactions: (decision) => format.assembler.disassemble(decision.proposal)?.length ?? 0,
  });
  running.setMaxListeners(0);
  await running.start();
  host = running;

  // The server-wide receive limit is the ceiling (authenticated link frames); each method's own
  // limit is set per call by boundedRequestInterceptor before its first message is read.
  const requestLimits = ordererRequestLimits(config.maxEnvelopeBytes);
  const frameLimit = linkFrameLimit({ ...config.protocol, n });
  const server = new Server({
    'grpc.max_receive_message_length': Math.max(frameLimit, largestLimit(requestLimits)), 'grpc.max_send_message_length': LINK_FRAME_BYTES,
    'grpc.max_concurrent_streams': MAX_STREAMS_PER_CONNECTION, interceptors: [boundedRequestInterceptor(requestLimits)],
  });
  server.addService(REPLICA_LINK_SERVICE, createLinkServer({
    id: config.id, n, verifier, onLinkEvent: linkEvent, frameLimit,
    onMessage: (from, envelope) => running.onPeerMessage(from, envelope),
    decisions: (fromSeq, max, maxBytes) => running.decisions(fromSeq, max, maxBytes),
  }));
  server.addService(ATOMIC_BROADCAST_SERVER_DEFINITION, createAtomicBroadcastService({
    submit: (envelope) => running.submit(envelope),
    get height() {
      return running.height;
    },
    block: async (number) => {
      if (number === 0) return format.genesisBlock();
      const decision = await blocks.get(number);
      return decision === undefined ? undefined : format.toBlock(decision);
    },
    waitForHeight: (target, signal) => new Promise<void>((resolve) => {
      const check = (): void => {
        if (running.height < target && !signal.aborted) return;
        running.off('height', check);
        signal.removeEventListener('abort', check);
        resolve();
      };
      running.on('height', check);
      signal.addEventListener('abort', check, { once: true });
      check();
    }),
  }, format));
  const grpcPort = await new Promise<number>((resolve, reject) => {
    server.bindAsync(config.listen.grpc, ServerCredentials.createInsecure(), (error, port) => (error === null ? resolve(port) : reject(error)));
  });
  let operations: OperationsHttp | undefined;
  if (config.listen.metrics !== undefined) {
    // Who answers here: lets `speedledger status` tell this replica from another process on the port.
    const certSha256 = config.fabric === undefined ? undefined : createHash('sha256').update(new X509Certificate(config.fabric.certPem).raw).digest('hex');
    const status = (): OrdererStatus => ({
      kind: 'orderer', id: config.id, channel: config.channel, ...(certSha256 === undefined ? {} : { certSha256 }),
      height: blocks.height, view: running.status.view,
    });
    operations = await startOperationsHttp(config.listen.metrics, {
      health: () => ({ eventLoop: watchdog.health() }),
      metrics: () => metrics.render(),
      version: await readVersionInfo(new URL('../../package.json', import.meta.url)),
      logSpec,
      status,
      log: logger,
    });
  }
  const metricsPort = operations?.port;
  logger.log('info', 'listening', { grpc: grpcPort, metrics: metricsPort ?? null, n });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      running.stop();
      for (const link of links.values()) link.close();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), 1000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      await operations?.close();
      await wal.close();
      await blocks.close();
      await watchdog.stop();
      logger.log('info', 'stopped', { height: blocks.height });
    })();
    return stopping;
  };
  return { host: running, grpcPort, ...(metricsPort === undefined ? {} : { metricsPort }), stop };
}

function defaultIdentity(config: OrdererNodeConfig, fabric: FabricLedger | undefined): { signer: Signer; verifier: Verifier } {
  if (fabric !== undefined && config.fabric !== undefined) {
    return createFabricIdentity(fabric.channel, config.id, config.fabric.certPem, config.fabric.privateKeyPem);
  }
  const keys = config.replicas.map((r) => r.publicKeyPem);
  if (config.privateKeyPem === undefined || keys.some((k) => k === undefined)) {
    throw new RuntimeError('INVALID_RUNTIME_CONFIG', 'replica keys missing: give privateKeyFile and every publicKeyFile, or a fabric section', { field: 'privateKeyFile' });
  }
  return { signer: createEcdsaSigner(config.privateKeyPem), verifier: createEcdsaVerifier(keys as string[]) };
}
