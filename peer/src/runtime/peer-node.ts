import { createHash, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import type { Server } from '@grpc/grpc-js';
import { common, peer } from '@hyperledger/fabric-protos';
import {
  ALLOW_BYZANTINE_ENV, createStructuredLogger, EventLoopWatchdog, LogSpec, readVersionInfo, startOperationsHttp, type Logger, type OperationsHttp,
} from '@speedledger/orderer-bft/runtime';
import { configBlockValidation, PeerLedger } from '../ledger/index.js';
import { BlockPuller, chainTipOf, Committer } from '../delivery/index.js';
import { alterRecordedSpeeds, BYZANTINE_PEER_DELTA_ENV, BYZANTINE_PEER_ENV, createEndorser } from '../endorser/index.js';
import { loadSigningIdentity, type SigningIdentity } from '../msp/index.js';
import {
  chaincodeRequirement, createDeliverService, createEndorserService, createGatewayService, endorsementRequirement, type GatewayEndorser, type ProposalProcessor,
} from '../services/index.js';
import { validateBlock } from '../validation/index.js';
import type { SystemChaincode } from '../chaincode/index.js';
import { createConfigChaincode, createQueryChaincode, LEDGER_QUERY_CHAINCODES, LEDGER_QUERY_POLICY, type LedgerQueryAccess } from '../scc/index.js';
import { createChaincodeResolver, installRootOf } from './chaincode-resolver.js';
import { loadChannelContext, type ChannelContext } from './channel-context.js';
import { committedBlocks, validationContext } from './ledger-services.js';
import type { PeerNodeConfig } from './peer-config.js';
import { PeerMetrics } from './peer-metrics.js';
import { PeerNodeError } from './peer-node-error.js';
import { chaincodeStatuses, type PeerStatus } from './peer-status.js';
import { startPeerGrpcServer } from './peer-grpc-server.js';
import { ordererBroadcaster, remoteEndorser } from './remote-clients.js';
import { CHANNEL_WRITERS_POLICY, createRequestAuthorizer } from './request-authorizer.js';
import { createRefusalRecorder } from './refusal-recorder.js';

/** What a peer's endorser is built from (the runtime hands these to the endorser module). */
export interface EndorserEnvironment {
  readonly config: PeerNodeConfig;
  readonly channel: ChannelContext;
  readonly ledger: PeerLedger;
  readonly identity: SigningIdentity;
  readonly resolver: ReturnType<typeof createChaincodeResolver>;
  readonly log: Logger;
}

/** Parts a caller may replace (tests). */
export interface PeerNodeParts {
  /** Builds the proposal processor; default: the endorser module with `_lifecycle` and installed packages. */
  createEndorser?(environment: EndorserEnvironment): ProposalProcessor | Promise<ProposalProcessor>;
}

/** The fraud scenario's tamper function when this peer's organisation is switched Byzantine, else undefined. */
function byzantineTamper(environment: EndorserEnvironment, env: NodeJS.ProcessEnv = process.env): ((results: Uint8Array) => Uint8Array) | undefined {
  const targets = (env[BYZANTINE_PEER_ENV] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (!targets.includes(environment.config.mspId)) return undefined;
  if (env[ALLOW_BYZANTINE_ENV] !== '1') {
    throw new PeerNodeError('INVALID_PEER_CONFIG', `${BYZANTINE_PEER_ENV} names ${environment.config.mspId}: a test-only fault injector, refused unless ${ALLOW_BYZANTINE_ENV}=1`, { field: BYZANTINE_PEER_ENV });
  }
  const delta = Number(env[BYZANTINE_PEER_DELTA_ENV] ?? '1500');
  if (!Number.isSafeInteger(delta) || delta <= 0) throw new PeerNodeError('INVALID_PEER_CONFIG', `${BYZANTINE_PEER_DELTA_ENV} must be a positive integer`, { field: BYZANTINE_PEER_DELTA_ENV });
  // Loud on purpose: a peer signing altered records must never go unnoticed in a log.
  process.stderr.write(`*** peer ${environment.config.name} (${environment.config.mspId}): BYZANTINE TEST MODE — signs accepted speeds lowered by ${delta} centi-km/h — TEST ONLY ***\n`);
  environment.log.log('error', 'BYZANTINE-TEST-MODE', { alteredSpeedDeltaCentiKmh: delta });
  return (results) => alterRecordedSpeeds(results, delta);
}

/** qscc and cscc over this peer's ledger and channel; access by the channel's Readers policy. */
function ledgerQueryChaincodes({ channel, ledger, config }: EndorserEnvironment): SystemChaincode[] {
  const access: LedgerQueryAccess = (_resource, creator) =>
    channel.evaluateChannelPolicy(LEDGER_QUERY_POLICY, [creator]) ? undefined : `${creator.mspId} creator does not satisfy ${LEDGER_QUERY_POLICY}`;
  const channelId = channel.config.channelId;
  return [
    createQueryChaincode({ channelId, ledger, access }),
    createConfigChaincode({ channelId, configBlock: channel.genesis, localMspId: config.mspId, access }),
  ];
}

function defaultEndorser(environment: EndorserEnvironment): ProposalProcessor {
  const { channel, ledger, identity, resolver } = environment;
  const tamperResults = byzantineTamper(environment);
  return createEndorser({
    ...(tamperResults === undefined ? {} : { tamperResults }),
    channelId: channel.config.channelId,
    signer: identity,
    deserialize: (serialized) => channel.msp.deserialize(serialized, new Date()),
    state: ledger.state,
    history: ledger.history,
    txIdCommitted: (txId) => ledger.txIdCommitted(txId),
    systemChaincodes: [channel.lifecycle, ...ledgerQueryChaincodes(environment)],
    resolveChaincode: (name) => resolver.resolve(name),
  });
}

/** A running peer process. */
export interface RunningPeer {
  readonly grpcAddress: string;
  readonly operationsAddress: string;
  readonly ledger: PeerLedger;
  status(): Promise<PeerStatus>;
  stop(): Promise<void>;
}

const CODE_NAMES = new Map<number, string>(Object.entries(peer.TxValidationCode).map(([name, value]) => [value as number, name]));

/**
 * Starts a peer: signing identity from the MSP directory, channel from the genesis block, the
 * ledger (genesis committed on first start), the committer (orderer Deliver → validateBlock →
 * commit), the endorser, the Endorser/Deliver/Gateway gRPC services on one port and the
 * operations HTTP server. JSON log lines go to `io.log`.
 */
export async function startPeerNode(config: PeerNodeConfig, io: { readonly log: { write(text: string): unknown } }, parts: PeerNodeParts = {}): Promise<RunningPeer> {
  let ledger: PeerLedger | undefined;
  const logSpec = new LogSpec(config.logLevel);
  const log: Logger = createStructuredLogger(io.log, () => ({ peer: config.name, height: ledger?.height() ?? 0 }), () => logSpec.level);
  const cleanups: (() => Promise<void> | void)[] = [];
  const stop = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log.log('warn', 'stop-step-failed', { error: (error as Error).message });
      }
    }
  };
  try {
    const identity = await loadSigningIdentity(config.mspDir, config.mspId);
    const certSha256 = createHash('sha256').update(new X509Certificate(identity.certificatePem).raw).digest('hex');
    const channel = await loadChannelContext(config);
    try {
      ledger = await PeerLedger.open(join(config.dataDir, 'ledger'), { channelId: channel.config.channelId });
    } catch (cause) {
      throw new PeerNodeError('START_FAILED', `cannot open the ledger in ${config.dataDir}`, { dataDir: config.dataDir }, cause);
    }
    const opened = ledger;
    cleanups.push(() => opened.close());
    if (opened.height() === 0) {
      await opened.commit(channel.genesis, configBlockValidation(channel.genesis));
      log.log('info', 'genesis-committed', { channel: channel.config.channelId });
    }
    const metrics = new PeerMetrics();
    metrics.height = opened.height();
    const context = validationContext(opened, channel);

    const committer = new Committer({
      ledger: {
        commit: async (block: common.Block, validation) => {
          await opened.commit(block, validation);
          metrics.height = opened.height();
          for (const tx of validation.transactions) metrics.commit(tx.code);
          log.log('info', 'block-committed', { block: validation.blockNumber, txs: validation.transactions.length, valid: validation.transactions.filter((t) => t.code === 0).length });
        },
      },
      validate: (block) => validateBlock(block, context),
    });
    let pullFailures = 0;
    const puller = BlockPuller.forChannel(channel.config, {
      endpoints: channel.orderers,
      signer: identity,
      tip: chainTipOf(opened),
      onBlock: async (block) => {
        try {
          await committer.handle(block);
          pullFailures = 0;
        } catch (error) {
          pullFailures += 1;
          throw error;
        }
      },
      logger: log,
    });
    puller.start();
    cleanups.push(() => committer.stop());
    cleanups.push(() => puller.stop());
    const currentOrderer = (): string => puller.currentEndpoint ?? channel.orderers[0]!;

    const broadcaster = ordererBroadcaster();
    cleanups.push(() => broadcaster.close());
    const ordererOrder = (): string[] => [currentOrderer(), ...channel.orderers.filter((o) => o !== currentOrderer())];
    const recordRefusal = createRefusalRecorder({
      channelId: channel.config.channelId, peerName: config.name, identity, state: opened.state, log,
      endorser: () => counted,
      submit: async (envelope) => {
        for (const address of ordererOrder()) {
          try {
            if ((await broadcaster.broadcast(address, envelope)).status === common.Status.SUCCESS) return;
          } catch {
            // The next orderer is tried.
          }
        }
        throw new Error('no orderer accepted the transaction');
      },
    });
    const resolver = createChaincodeResolver({
      state: opened.state, packagesDir: config.chaincodePackagesDir, installRoot: installRootOf(config.dataDir), onMismatch: recordRefusal,
    });
    const environment: EndorserEnvironment = { config, channel, ledger: opened, identity, resolver, log };
    const endorser = await (parts.createEndorser ?? defaultEndorser)(environment);
    const counted: ProposalProcessor = {
      async processProposal(signed) {
        const response = await endorser.processProposal(signed);
        const status = response.getResponse()?.getStatus() ?? 500;
        metrics.endorsement(status >= 200 && status < 400 ? 'success' : 'failure');
        return response;
      },
    };

    const remotes = config.gatewayPeers.map((p) => ({ ...p, client: remoteEndorser(p.address) }));
    cleanups.push(() => remotes.forEach((r) => r.client.close()));
    const blocks = committedBlocks(opened);
    const authorizer = createRequestAuthorizer({
      msp: channel.msp, evaluateChannelPolicy: channel.evaluateChannelPolicy, now: () => new Date(),
    });
    const writers = createRequestAuthorizer({
      msp: channel.msp, evaluateChannelPolicy: channel.evaluateChannelPolicy, now: () => new Date(), policyPath: CHANNEL_WRITERS_POLICY,
    });
    const local: GatewayEndorser = { name: config.name, mspId: config.mspId, address: config.listen.grpc, processor: counted };
    const grpc = await startPeerGrpcServer(config.listen.grpc, {
      endorser: createEndorserService(counted, writers, LEDGER_QUERY_CHAINCODES),
      deliver: createDeliverService({ channelId: channel.config.channelId, ledger: blocks, authorizer, onRefusal: (reason) => log.log('info', 'deliver-refused', { reason }) }),
      gateway: createGatewayService({
        channelId: channel.config.channelId,
        local,
        others: remotes.map((r) => ({ name: r.name, mspId: r.mspId, address: r.address, processor: r.client })),
        orderers: ordererOrder,
        broadcast: (address, envelope) => broadcaster.broadcast(address, envelope),
        ledger: blocks,
        authorizer,
        writers,
        requirement: (response, chaincodeName) => endorsementRequirement(response, chaincodeName, {
          state: opened.state, namespacePolicy: channel.namespacePolicy, evaluateChannelPolicy: channel.evaluateChannelPolicy,
        }),
        chaincodeRequirement: (chaincodeName) => chaincodeRequirement(chaincodeName, {
          state: opened.state, namespacePolicy: channel.namespacePolicy, evaluateChannelPolicy: channel.evaluateChannelPolicy,
        }),
      }),
    });
    const server: Server = grpc.server;
    cleanups.push(() => new Promise<void>((resolve) => {
      server.tryShutdown(() => resolve());
      setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 2000).unref();
    }));

    const status = async (): Promise<PeerStatus> => ({
      name: config.name,
      mspId: config.mspId,
      certSha256,
      channel: channel.config.channelId,
      height: opened.height(),
      currentBlockHash: Buffer.from(opened.lastBlockHash() ?? new Uint8Array()).toString('hex'),
      orderer: currentOrderer(),
      chaincodes: await chaincodeStatuses(opened, config, resolver),
    });
    // Issue 17: a peer spinning in a decoder kept its pid and looked alive; a stalled loop now turns
    // /healthz red, and a loop stuck for good is killed by the watchdog thread so it is restarted.
    const watchdog = new EventLoopWatchdog({ name: config.name });
    cleanups.push(() => watchdog.stop());
    const operations: OperationsHttp = await startOperationsHttp(config.listen.operations, {
      health: () => ({
        ledger: { ok: true },
        eventLoop: watchdog.health(),
        committer: pullFailures < 3 ? { ok: true } : { ok: false, detail: `the last ${pullFailures} blocks failed to commit` },
      }),
      status,
      metrics: () => metrics.render((code) => CODE_NAMES.get(code) ?? String(code)),
      version: await readVersionInfo(new URL('../../package.json', import.meta.url)),
      logSpec,
      log,
    });
    cleanups.push(() => operations.close());
    log.log('info', 'peer-started', { grpc: grpc.address, operations: operations.address, height: opened.height(), orderers: channel.orderers });
    return { grpcAddress: grpc.address, operationsAddress: operations.address, ledger: opened, status, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
