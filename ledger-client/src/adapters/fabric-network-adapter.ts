import type { CommitListener, Contract, ContractEvent, Gateway, Network, QueryHandler, QueryHandlerFactory } from 'fabric-network';
import type { TxEventHandler, TxEventHandlerFactory } from 'fabric-network/lib/impl/event/transactioneventhandler.js';
import { organizationOf, withStaticChannel } from '../connection-profile.js';
import { createLedgerClient } from '../create-ledger-client.js';
import type { FailureContext } from '../errors/gateway-error-mapping.js';
import { fromFabricNetworkError } from '../errors/fabric-network-error-mapping.js';
import { LedgerError } from '../errors/ledger-error.js';
import type { ChaincodeEventStream } from '../events/chaincode-events.js';
import { EventQueue } from '../events/event-queue.js';
import { DEFAULT_TIMEOUTS, type ConnectOptions, type LedgerClient, type StageTimeouts } from '../ledger-client.js';
import type { LedgerCall, LedgerTransport } from '../ledger-transport.js';
import { loadClientIdentity, loadConnectionProfile } from './load-connection.js';

type Peer = Parameters<Network['addCommitListener']>[1][number];
type Stage = FailureContext['stage'];

/** Per-transaction commit watch: records the block number and drives the stage. */
interface CommitWatch {
  readonly factory: TxEventHandlerFactory;
  stage: Stage;
  blockNumber: bigint | undefined;
}

/**
 * A commit handler over fabric-network's public `addCommitListener`: resolves on the first VALID
 * commit event from the client's own peers, fails with a TransactionError-shaped error on an
 * invalid one. The library's own handlers do not expose the block number; this one does, and
 * its calls tell us when endorsement ended (startListening) and ordering succeeded (waitForEvents).
 */
function watchCommit(targets: (network: Network) => Peer[], commitMs: number): CommitWatch {
  const watch: CommitWatch = {
    stage: 'endorse',
    blockNumber: undefined,
    factory: (transactionId: string, network: Network): TxEventHandler => {
      const peers = targets(network);
      const failed = new Set<Peer>();
      let settle: (error?: Error) => void = () => undefined;
      const outcome = new Promise<Error | undefined>((resolve) => {
        settle = resolve;
      });
      let timer: NodeJS.Timeout | undefined;
      const listener: CommitListener = (error, event) => {
        if (error) {
          failed.add(error.peer);
          if (failed.size >= peers.length) settle(new Error(`commit events unavailable from ${peers.map((p) => p.name).join(', ')}: ${error.message}`));
          return;
        }
        if (!event) return;
        if (!event.isValid) {
          settle(Object.assign(new Error(`transaction ${transactionId} committed invalid on ${event.peer.name}: ${event.status}`), {
            name: 'TransactionError', transactionId, transactionCode: event.status,
          }));
          return;
        }
        watch.blockNumber = BigInt(event.getBlockEvent().blockNumber.toString());
        settle();
      };
      const cancel = (): void => {
        if (timer) clearTimeout(timer);
        network.removeCommitListener(listener);
      };
      return {
        async startListening() {
          watch.stage = 'submit';
          if (peers.length === 0) throw new LedgerError('INVALID_CONFIG', 'no peer of the client organisation to watch commits on', { stage: 'commit', transactionId });
          timer = setTimeout(() => {
            settle(Object.assign(new Error(`no commit event for ${transactionId} within ${commitMs} ms`), { name: 'TimeoutError', transactionId }));
          }, commitMs);
          await network.addCommitListener(listener, peers, transactionId);
        },
        async waitForEvents() {
          watch.stage = 'commit';
          try {
            const error = await outcome;
            if (error) throw error;
          } finally {
            cancel();
          }
        },
        cancelListening: cancel,
      };
    },
  };
  return watch;
}

/** Queries go to the chosen peers in order; the first answer (endorsed or refused) counts. */
function queryHandler(targets: (network: Network) => Peer[]): QueryHandlerFactory {
  return (network: Network): QueryHandler => ({
    async evaluate(query) {
      const failures: Error[] = [];
      for (const peer of targets(network)) {
        const result = (await query.evaluate([peer as never]))[peer.name];
        if (result === undefined) continue;
        if (result instanceof Error) {
          failures.push(result);
          continue;
        }
        if (result.isEndorsed) return result.payload;
        throw Object.assign(new Error(`peer ${peer.name} answered ${result.status}: ${result.message}`), { responses: [{ response: result }] });
      }
      throw Object.assign(new Error(`no peer answered: ${failures.map((f) => f.message).join('; ') || 'no peers'}`), { errors: failures });
    },
  });
}

class FabricNetworkTransport implements LedgerTransport {
  readonly library = 'fabric-network';
  readonly #gateway: Gateway;
  readonly #network: Network;
  readonly #commitPeers: (network: Network) => Peer[];
  readonly #commitMs: number;
  readonly #contracts = new Map<string, Contract>();

  constructor(gateway: Gateway, network: Network, commitPeers: (network: Network) => Peer[], commitMs: number) {
    this.#gateway = gateway;
    this.#network = network;
    this.#commitPeers = commitPeers;
    this.#commitMs = commitMs;
  }

  #contract(chaincode: string): Contract {
    let contract = this.#contracts.get(chaincode);
    if (!contract) {
      contract = this.#network.getContract(chaincode);
      this.#contracts.set(chaincode, contract);
    }
    return contract;
  }

  async evaluate(call: LedgerCall): Promise<Uint8Array> {
    const transaction = this.#contract(call.chaincode).createTransaction(call.fn);
    try {
      // fabric-common passes Buffer arguments through unchanged, strings as UTF-8.
      return new Uint8Array(await transaction.evaluate(...(call.args.map(toArgument) as string[])));
    } catch (error) {
      throw fromFabricNetworkError(error, { stage: 'evaluate', transactionId: transaction.getTransactionId(), chaincode: call.chaincode, fn: call.fn });
    }
  }

  async submit(call: LedgerCall): Promise<{ transactionId: string; blockNumber: bigint; result: Uint8Array }> {
    const transaction = this.#contract(call.chaincode).createTransaction(call.fn);
    const watch = watchCommit(this.#commitPeers, this.#commitMs);
    transaction.setEventHandler(watch.factory);
    const transactionId = transaction.getTransactionId();
    let result: Buffer;
    try {
      result = await transaction.submit(...(call.args.map(toArgument) as string[]));
    } catch (error) {
      throw fromFabricNetworkError(error, { stage: watch.stage, transactionId, chaincode: call.chaincode, fn: call.fn });
    }
    if (watch.blockNumber === undefined) {
      throw new LedgerError('COMMIT_FAILED', `no commit event seen for ${transactionId}`, { stage: 'commit', transactionId, ids: { chaincode: call.chaincode, fn: call.fn } });
    }
    return { transactionId, blockNumber: watch.blockNumber, result: new Uint8Array(result) };
  }

  /**
   * Over the contract listener (full blocks from the peer's Deliver service; fabric-network keeps
   * only VALID transactions' events and reconnects by itself, so this stream ends only on close).
   */
  async chaincodeEvents(chaincode: string, startBlock?: bigint): Promise<ChaincodeEventStream> {
    const contract = this.#contract(chaincode);
    const listener = async (event: ContractEvent): Promise<void> => {
      const transaction = event.getTransactionEvent();
      queue.push({
        blockNumber: BigInt(transaction.getBlockEvent().blockNumber.toString()), transactionId: transaction.transactionId,
        chaincode: event.chaincodeId, eventName: event.eventName, payload: new Uint8Array(event.payload ?? Buffer.alloc(0)),
      });
    };
    const queue = new EventQueue(() => contract.removeContractListener(listener));
    try {
      await contract.addContractListener(listener, { type: 'full', ...(startBlock === undefined ? {} : { startBlock: Number(startBlock) }) });
    } catch (error) {
      throw fromFabricNetworkError(error, { stage: 'events', chaincode, fn: 'addContractListener' });
    }
    return queue;
  }

  async close(): Promise<void> {
    this.#gateway.disconnect();
  }
}

function toArgument(arg: string | Uint8Array): string | Buffer {
  return typeof arg === 'string' ? arg : Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength);
}

/**
 * Connects over `fabric-network` 2.2 (for Fabric 2.2-era networks). Discovery is off: the
 * embedded network serves no discovery service, and even on real Fabric a static profile keeps
 * the client on the peers the profile names. So the profile must list the channel's peers and
 * orderers (synthesised from all of the profile's peers and orderers when it has no channel
 * section); endorsement goes to every listed peer, commits are watched on the client's own peer.
 */
export async function connectFabricNetwork(options: ConnectOptions): Promise<LedgerClient> {
  const profile = await loadConnectionProfile(options.connectionProfile);
  const identity = await loadClientIdentity(options);
  const channel = options.channel ?? 'speedledger';
  const [, organization] = organizationOf(profile, identity.mspId);
  if (options.peer !== undefined && !(options.peer in profile.peers)) {
    throw new LedgerError('INVALID_CONFIG', `connection profile: no peer named ${options.peer}`, { stage: 'connect', ids: { peer: options.peer } });
  }
  const ownPeers = options.peer !== undefined ? [options.peer] : [...organization.peers];
  const targets = (network: Network): Peer[] =>
    network.getChannel().getEndorsers().filter((peer) => ownPeers.includes(peer.name));
  const timeouts: StageTimeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

  // Loaded on first use only: fabric-common parses process.argv with yargs when it loads and
  // answers `--help`/`--version` itself, then exits, which would hijack any CLI importing us.
  const { default: fabricNetwork } = await import('fabric-network');
  const wallet = await fabricNetwork.Wallets.newInMemoryWallet();
  await wallet.put('client', { type: 'X.509', mspId: identity.mspId, credentials: { certificate: identity.certPem, privateKey: identity.privateKeyPem } } as never);
  const gateway = new fabricNetwork.Gateway();
  try {
    await gateway.connect(withStaticChannel(profile, channel), {
      wallet,
      identity: 'client',
      discovery: { enabled: false, asLocalhost: false },
      eventHandlerOptions: { endorseTimeout: seconds(timeouts.endorseMs), commitTimeout: seconds(timeouts.submitMs) },
      queryHandlerOptions: { timeout: seconds(timeouts.evaluateMs), strategy: queryHandler(targets) },
    });
    const network = await gateway.getNetwork(channel);
    return createLedgerClient(new FabricNetworkTransport(gateway, network, targets, timeouts.commitMs), options.chaincode ?? 'lr-chaincode');
  } catch (error) {
    gateway.disconnect();
    throw fromFabricNetworkError(error, { stage: 'connect', chaincode: options.chaincode ?? 'lr-chaincode', fn: 'connect' });
  }
}
