import { EventEmitter } from 'node:events';
import { peer } from '@hyperledger/fabric-protos';
import type { ChaincodeContainer, ChaincodeInvocation } from './chaincode-container.js';
import { ChaincodeError } from './chaincode-error.js';
import type { ChaincodeResponse } from './chaincode-response.js';
import { shimRuntime, type ShimChaincodeMessage, type ShimRuntime } from './shim-runtime.js';
import { ChaincodeRequestError, TransactionContext } from './transaction-context.js';

type ChaincodeMessage = InstanceType<typeof peer.ChaincodeMessage>;
const T = peer.ChaincodeMessage.Type;

/** Options of {@link startInProcessContainer}. */
export interface InProcessContainerOptions {
  /** Chaincode name: the state namespace and the shim's title. */
  readonly name: string;
  readonly version?: string;
  /** The package's exported `contracts` (fabric-contract-api Contract classes). */
  readonly contracts: readonly unknown[];
  /** Results per range batch (Fabric's maxResultsPerBatch, default 100). */
  readonly maxResultsPerBatch?: number;
  /** A transaction still running after this long fails with status 500 (default 30 s). */
  readonly executeTimeoutMs?: number;
  /**
   * The fabric-shim that runs the contracts: a self-contained package's own bundled shim (see
   * `bundledShimRuntime`); default the peer's copy, for packages that declare it as a dependency.
   */
  readonly runtime?: ShimRuntime;
}

interface Running {
  readonly context: TransactionContext;
  readonly invocation: ChaincodeInvocation;
  readonly resolve: (response: ChaincodeResponse) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

function failure(message: string): ChaincodeResponse {
  return { status: 500, message, payload: new Uint8Array() };
}

/**
 * Starts a chaincode "container" in this process: fabric-shim's own `ChaincodeMessageHandler`
 * and `ChaincodeFromContract` dispatch, talking the ChaincodeMessage protocol (serialised on every
 * hop, as over gRPC) to the peer side over an in-memory stream. The REGISTER handshake completes
 * before this resolves; many transactions may then run concurrently. Throws
 * CHAINCODE_START_FAILED when the contracts cannot be loaded.
 */
export async function startInProcessContainer(options: InProcessContainerOptions): Promise<ChaincodeContainer> {
  const shim = options.runtime ?? shimRuntime();
  const stream = new EventEmitter() as EventEmitter & { write(msg: ShimChaincodeMessage): void; end(): void };
  const running = new Map<string, Running>();
  const batch = options.maxResultsPerBatch ?? 100;
  const timeoutMs = options.executeTimeoutMs ?? 30_000;
  let closed = false;
  let onRegistered: (() => void) | undefined;

  const toChaincode = (msg: ChaincodeMessage): void => {
    const wire = shim.ChaincodeMessage.deserializeBinary(msg.serializeBinary());
    setImmediate(() => {
      if (!closed) stream.emit('data', wire);
    });
  };
  const message = (type: number, payload: Uint8Array, txId: string, channelId: string): ChaincodeMessage => {
    const msg = new peer.ChaincodeMessage();
    msg.setType(type as never);
    msg.setPayload(payload);
    msg.setTxid(txId);
    msg.setChannelId(channelId);
    return msg;
  };
  const keyOf = (channelId: string, txId: string): string => `${channelId}\u0000${txId}`;

  const finish = async (key: string, run: Running, msg: ChaincodeMessage): Promise<void> => {
    running.delete(key);
    clearTimeout(run.timer);
    await run.context.closeAll().catch(() => undefined);
    if (msg.getType() === T.ERROR) {
      run.resolve(failure(Buffer.from(msg.getPayload_asU8()).toString('utf8')));
      return;
    }
    let response: InstanceType<typeof peer.Response>;
    try {
      response = peer.Response.deserializeBinary(msg.getPayload_asU8());
    } catch {
      run.resolve(failure('chaincode completed with an undecodable response'));
      return;
    }
    if (response.getStatus() < 400 && run.context.paginatedWithWrites) {
      run.resolve(failure('paginated queries are supported only in a read-only transaction'));
      return;
    }
    const event = msg.getChaincodeEvent();
    run.resolve({
      status: response.getStatus(),
      message: response.getMessage(),
      payload: response.getPayload_asU8(),
      ...(event !== undefined && event.getEventName() !== '' ? { event: { name: event.getEventName(), payload: event.getPayload_asU8() } } : {}),
    });
  };

  const receive = async (msg: ChaincodeMessage): Promise<void> => {
    const type = msg.getType();
    if (type === T.REGISTER) {
      toChaincode(message(T.REGISTERED, new Uint8Array(), '', ''));
      toChaincode(message(T.READY, new Uint8Array(), '', ''));
      setImmediate(() => onRegistered?.());
      return;
    }
    const key = keyOf(msg.getChannelId(), msg.getTxid());
    const run = running.get(key);
    if (run === undefined) return;
    if (type === T.COMPLETED || type === T.ERROR) {
      await finish(key, run, msg);
      return;
    }
    let reply: ChaincodeMessage;
    try {
      reply = message(T.RESPONSE, await run.context.serve(type, msg.getPayload_asU8()), msg.getTxid(), msg.getChannelId());
    } catch (error) {
      const why = error instanceof ChaincodeRequestError ? error.message : `${(error as Error).message ?? String(error)}`;
      reply = message(T.ERROR, Buffer.from(why, 'utf8'), msg.getTxid(), msg.getChannelId());
    }
    if (running.has(key)) toChaincode(reply);
  };

  stream.write = (shimMsg: ShimChaincodeMessage) => {
    const wire = peer.ChaincodeMessage.deserializeBinary(shimMsg.serializeBinary());
    setImmediate(() => void receive(wire));
  };
  stream.end = () => undefined;

  let chaincode: unknown;
  try {
    const serializers = { transaction: 'jsonSerializer', serializers: { jsonSerializer: shim.JSONSerializer } };
    // The dispatcher appends its system contract to the array it is given: pass a copy.
    chaincode = new shim.ChaincodeFromContract([...options.contracts], serializers, {}, options.name, options.version ?? '');
  } catch (cause) {
    throw new ChaincodeError('CHAINCODE_START_FAILED', `chaincode ${options.name}: contracts do not load: ${(cause as Error).message}`, { chaincode: options.name }, cause);
  }
  const handler = new shim.ChaincodeMessageHandler(stream, chaincode);
  const registered = new Promise<void>((resolve) => (onRegistered = resolve));
  const register = new peer.ChaincodeMessage();
  register.setType(T.REGISTER);
  handler.chat(shim.ChaincodeMessage.deserializeBinary(register.serializeBinary()));
  await registered;

  return {
    name: options.name,
    execute(invocation) {
      if (closed) return Promise.resolve(failure(`chaincode ${options.name} container is closed`));
      const key = keyOf(invocation.channelId, invocation.txId);
      if (running.has(key)) return Promise.resolve(failure(`transaction ${invocation.txId} is already executing`));
      let signedProposal: InstanceType<typeof peer.SignedProposal>;
      try {
        signedProposal = peer.SignedProposal.deserializeBinary(invocation.signedProposal);
      } catch {
        return Promise.resolve(failure('signed proposal does not decode'));
      }
      return new Promise<ChaincodeResponse>((resolve) => {
        const context = new TransactionContext(invocation.namespace, invocation.simulator, invocation.history, { maxResultsPerBatch: batch });
        const timer = setTimeout(() => {
          if (running.get(key)?.invocation !== invocation) return;
          running.delete(key);
          void context.closeAll().catch(() => undefined);
          resolve(failure(`chaincode ${options.name} did not complete transaction ${invocation.txId} within ${timeoutMs} ms`));
        }, timeoutMs);
        timer.unref?.();
        running.set(key, { context, invocation, resolve, timer });
        const input = new peer.ChaincodeInput();
        input.setArgsList([...invocation.args]);
        const msg = message(T.TRANSACTION, input.serializeBinary(), invocation.txId, invocation.channelId);
        msg.setProposal(signedProposal);
        toChaincode(msg);
      });
    },
    close() {
      closed = true;
      for (const [key, run] of running) {
        running.delete(key);
        clearTimeout(run.timer);
        run.resolve(failure(`chaincode ${options.name} container closed during transaction ${run.invocation.txId}`));
      }
      stream.removeAllListeners('data');
    },
  };
}
