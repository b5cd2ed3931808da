import { createPrivateKey } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type ChaincodeEvent, type CloseableAsyncIterable, type Contract, type Gateway, type Network } from '@hyperledger/fabric-gateway';
import { selectPeer, type GrpcEndpoint } from '../connection-profile.js';
import { createLedgerClient } from '../create-ledger-client.js';
import { fromGatewayError, type FailureContext } from '../errors/gateway-error-mapping.js';
import { DEFAULT_TIMEOUTS, type ConnectOptions, type LedgerClient, type StageTimeouts } from '../ledger-client.js';
import type { ChaincodeEventStream, LedgerChaincodeEvent } from '../events/chaincode-events.js';
import type { LedgerCall, LedgerTransport } from '../ledger-transport.js';
import { loadClientIdentity, loadConnectionProfile } from './load-connection.js';

function grpcClient(endpoint: GrpcEndpoint): grpc.Client {
  const credentials = endpoint.tls
    ? grpc.credentials.createSsl(Buffer.from(endpoint.tlsRootCertPem ?? ''))
    : grpc.credentials.createInsecure();
  const options: grpc.ClientOptions = endpoint.serverNameOverride ? { 'grpc.ssl_target_name_override': endpoint.serverNameOverride } : {};
  return new grpc.Client(endpoint.address, credentials, options);
}

function deadline(ms: number): () => grpc.CallOptions {
  return () => ({ deadline: Date.now() + ms });
}

/** The transport over `@hyperledger/fabric-gateway`: the Gateway service of one peer does the rest. */
class FabricGatewayTransport implements LedgerTransport {
  readonly library = '@hyperledger/fabric-gateway';
  readonly #client: grpc.Client;
  readonly #gateway: Gateway;
  readonly #network: Network;
  readonly #contracts = new Map<string, Contract>();

  constructor(client: grpc.Client, gateway: Gateway, network: Network) {
    this.#client = client;
    this.#gateway = gateway;
    this.#network = network;
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
    const proposal = this.#contract(call.chaincode).newProposal(call.fn, { arguments: [...call.args] });
    const context: FailureContext = { stage: 'evaluate', transactionId: proposal.getTransactionId(), chaincode: call.chaincode, fn: call.fn };
    try {
      return await proposal.evaluate();
    } catch (error) {
      throw fromGatewayError(error, context);
    }
  }

  async submit(call: LedgerCall): Promise<{ transactionId: string; blockNumber: bigint; result: Uint8Array }> {
    const proposal = this.#contract(call.chaincode).newProposal(call.fn, { arguments: [...call.args] });
    const transactionId = proposal.getTransactionId();
    const context = (stage: FailureContext['stage']): FailureContext => ({ stage, transactionId, chaincode: call.chaincode, fn: call.fn });
    let stage: FailureContext['stage'] = 'endorse';
    try {
      const transaction = await proposal.endorse();
      stage = 'submit';
      const submitted = await transaction.submit();
      stage = 'commit';
      const status = await submitted.getStatus();
      if (!status.successful) {
        // Shaped like fabric-gateway's own CommitError so one mapping serves both paths.
        throw Object.assign(new Error(`transaction ${transactionId} failed to commit`), { name: 'CommitError', code: status.code, transactionId });
      }
      return { transactionId, blockNumber: status.blockNumber, result: submitted.getResult() };
    } catch (error) {
      throw fromGatewayError(error, context(stage));
    }
  }

  async chaincodeEvents(chaincode: string, startBlock?: bigint): Promise<ChaincodeEventStream> {
    const context: FailureContext = { stage: 'events', chaincode, fn: 'ChaincodeEvents' };
    let events: CloseableAsyncIterable<ChaincodeEvent>;
    try {
      events = await this.#network.getChaincodeEvents(chaincode, startBlock === undefined ? {} : { startBlock });
    } catch (error) {
      throw fromGatewayError(error, context);
    }
    return {
      close: () => events.close(),
      async *[Symbol.asyncIterator](): AsyncGenerator<LedgerChaincodeEvent> {
        try {
          for await (const event of events) {
            yield { blockNumber: event.blockNumber, transactionId: event.transactionId, chaincode: event.chaincodeName, eventName: event.eventName, payload: event.payload };
          }
        } catch (error) {
          // close() cancels the call: that is the end of the stream, not a failure.
          if ((error as { code?: unknown }).code === grpc.status.CANCELLED) return;
          throw fromGatewayError(error, context);
        } finally {
          events.close();
        }
      },
    };
  }

  async close(): Promise<void> {
    this.#gateway.close();
    this.#client.close();
  }
}

/**
 * Connects over `@hyperledger/fabric-gateway` (the default: `fabric-network` is deprecated
 * upstream and cannot use Fabric 3 BFT ordering). The client talks only to its organisation's
 * peer, whose Gateway service plans endorsement, submits to the orderers and reports the commit.
 */
export async function connectGateway(options: ConnectOptions): Promise<LedgerClient> {
  const profile = await loadConnectionProfile(options.connectionProfile);
  const identity = await loadClientIdentity(options);
  const endpoint = selectPeer(profile, identity.mspId, options.peer);
  const timeouts: StageTimeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const client = grpcClient(endpoint);
  const gateway = connect({
    client,
    identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certPem) },
    signer: signers.newPrivateKeySigner(createPrivateKey(identity.privateKeyPem)),
    hash: hash.sha256,
    evaluateOptions: deadline(timeouts.evaluateMs),
    endorseOptions: deadline(timeouts.endorseMs),
    submitOptions: deadline(timeouts.submitMs),
    commitStatusOptions: deadline(timeouts.commitMs),
  });
  const network = gateway.getNetwork(options.channel ?? 'speedledger');
  return createLedgerClient(new FabricGatewayTransport(client, gateway, network), options.chaincode ?? 'lr-chaincode');
}
