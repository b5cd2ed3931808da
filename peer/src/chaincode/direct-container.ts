import { peer } from '@hyperledger/fabric-protos';
import type { ChaincodeContainer, ChaincodeInvocation } from './chaincode-container.js';
import { ChaincodeError } from './chaincode-error.js';
import type { ChaincodeResponse } from './chaincode-response.js';
import type { InProcessContainerOptions } from './in-process-container.js';
import { shimRuntime, type ShimRuntime } from './shim-runtime.js';
import { TransactionContext } from './transaction-context.js';

const T = peer.ChaincodeMessage.Type;

interface Invoker {
  Invoke(stub: unknown): Promise<{ status?: number; message?: string; payload?: Uint8Array } | undefined>;
}

function failure(message: string): ChaincodeResponse {
  return { status: 500, message, payload: new Uint8Array() };
}

/** The shim throws `new Error(payload)` for a peer's ERROR reply: the same message here. */
function refused(error: unknown): Error {
  return new Error((error as Error)?.message ?? String(error));
}

/**
 * The handler a fabric-shim `ChaincodeStub` calls (`handleGetState`, `handlePutState`, …), for one
 * transaction, answering in process instead of over the ChaincodeMessage protocol. Each request
 * is encoded as the shim would send it and answered by the peer's own {@link TransactionContext}
 * (the code that serves the protocol), and the answer decoded as fabric-shim's `parseResponse`
 * does; requests run one at a time per transaction, as the shim's message queue sends them.
 */
class DirectHandler {
  readonly #shim: ShimRuntime;
  readonly #context: TransactionContext;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(shim: ShimRuntime, context: TransactionContext) {
    this.#shim = shim;
    this.#context = context;
  }

  #ask(type: number, payload: Uint8Array): Promise<Uint8Array> {
    const answer = this.#queue.then(() => this.#context.serve(type, payload)).catch((error: unknown) => Promise.reject(refused(error)));
    this.#queue = answer.catch(() => undefined);
    return answer;
  }

  async handleGetState(collection: string, key: string): Promise<Buffer> {
    const req = new peer.GetState();
    req.setKey(key);
    req.setCollection(collection);
    return Buffer.from(await this.#ask(T.GET_STATE, req.serializeBinary()));
  }

  async handlePutState(collection: string, key: string, value: Uint8Array): Promise<Buffer> {
    const req = new peer.PutState();
    req.setKey(key);
    req.setValue(value);
    req.setCollection(collection);
    return Buffer.from(await this.#ask(T.PUT_STATE, req.serializeBinary()));
  }

  async handleDeleteState(collection: string, key: string): Promise<Buffer> {
    const req = new peer.DelState();
    req.setKey(key);
    req.setCollection(collection);
    return Buffer.from(await this.#ask(T.DEL_STATE, req.serializeBinary()));
  }

  async handlePurgeState(collection: string, key: string): Promise<Buffer> {
    const req = new peer.PurgePrivateState();
    req.setKey(key);
    req.setCollection(collection);
    return Buffer.from(await this.#ask(T.PURGE_PRIVATE_DATA, req.serializeBinary()));
  }

  async handlePutStateMetadata(collection: string, key: string, metakey: string, value: Uint8Array): Promise<Buffer> {
    const req = new peer.PutStateMetadata();
    req.setCollection(collection);
    req.setKey(key);
    const meta = new peer.StateMetadata();
    meta.setMetakey(metakey);
    meta.setValue(value);
    req.setMetadata(meta);
    return Buffer.from(await this.#ask(T.PUT_STATE_METADATA, req.serializeBinary()));
  }

  async handleGetPrivateDataHash(collection: string, key: string): Promise<Buffer> {
    const req = new peer.GetState();
    req.setKey(key);
    req.setCollection(collection);
    return Buffer.from(await this.#ask(T.GET_PRIVATE_DATA_HASH, req.serializeBinary()));
  }

  async handleGetStateMetadata(collection: string, key: string): Promise<Record<string, Uint8Array>> {
    const req = new peer.GetStateMetadata();
    req.setKey(key);
    req.setCollection(collection);
    const decoded = this.#shim.protos.StateMetadataResult.deserializeBinary(await this.#ask(T.GET_STATE_METADATA, req.serializeBinary())) as {
      getEntriesList(): { getMetakey(): string; getValue(): Uint8Array }[];
    };
    const metadata: Record<string, Uint8Array> = {};
    for (const entry of decoded.getEntriesList()) metadata[entry.getMetakey()] = entry.getValue();
    return metadata;
  }

  async handleGetStateByRange(collection: string, startKey: string, endKey: string, channelId: string, txId: string, metadata?: Uint8Array): Promise<unknown> {
    const req = new peer.GetStateByRange();
    req.setStartkey(startKey);
    req.setEndkey(endKey);
    req.setCollection(collection);
    if (metadata !== undefined) req.setMetadata(metadata);
    return this.#queryResult(await this.#ask(T.GET_STATE_BY_RANGE, req.serializeBinary()), channelId, txId);
  }

  async handleGetQueryResult(collection: string, query: string, metadata: Uint8Array | undefined, channelId: string, txId: string): Promise<unknown> {
    const req = new peer.GetQueryResult();
    req.setCollection(collection);
    req.setQuery(query);
    if (metadata !== undefined) req.setMetadata(metadata);
    return this.#queryResult(await this.#ask(T.GET_QUERY_RESULT, req.serializeBinary()), channelId, txId);
  }

  async handleQueryStateNext(id: string): Promise<unknown> {
    const req = new peer.QueryStateNext();
    req.setId(id);
    return this.#shim.protos.QueryResponse.deserializeBinary(await this.#ask(T.QUERY_STATE_NEXT, req.serializeBinary()));
  }

  async handleQueryStateClose(id: string): Promise<unknown> {
    const req = new peer.QueryStateClose();
    req.setId(id);
    return this.#shim.protos.QueryResponse.deserializeBinary(await this.#ask(T.QUERY_STATE_CLOSE, req.serializeBinary()));
  }

  async handleGetHistoryForKey(key: string, channelId: string, txId: string): Promise<unknown> {
    const req = new peer.GetHistoryForKey();
    req.setKey(key);
    const response = this.#shim.protos.QueryResponse.deserializeBinary(await this.#ask(T.GET_HISTORY_FOR_KEY, req.serializeBinary()));
    return new this.#shim.HistoryQueryIterator(this, channelId, txId, response);
  }

  async handleInvokeChaincode(chaincodeName: string, args: readonly (string | Uint8Array)[]): Promise<never> {
    const spec = new peer.ChaincodeSpec();
    const id = new peer.ChaincodeID();
    id.setName(chaincodeName);
    spec.setChaincodeId(id);
    const input = new peer.ChaincodeInput();
    input.setArgsList(args.map((a) => Buffer.from(a)));
    spec.setInput(input);
    await this.#ask(T.INVOKE_CHAINCODE, spec.serializeBinary());
    throw new Error('chaincode-to-chaincode invocation is not supported by this peer');
  }

  #queryResult(bytes: Uint8Array, channelId: string, txId: string): unknown {
    const payload = this.#shim.protos.QueryResponse.deserializeBinary(bytes) as { getMetadata(): Uint8Array | string };
    const result: { iterator: unknown; metadata?: { bookmark: string; fetchedRecordsCount: number } } = { iterator: new this.#shim.StateQueryIterator(this, channelId, txId, payload) };
    const meta = payload.getMetadata();
    if (meta !== undefined && meta.length > 0) {
      const m = this.#shim.protos.QueryResponseMetadata.deserializeBinary(meta as Uint8Array) as { getBookmark(): string; getFetchedRecordsCount(): number };
      result.metadata = { bookmark: m.getBookmark(), fetchedRecordsCount: m.getFetchedRecordsCount() };
    }
    return result;
  }
}

/**
 * Starts a chaincode in this process without the ChaincodeMessage protocol: each transaction gets
 * fabric-shim's own `ChaincodeStub` (built from the signed proposal, as the shim builds it) and
 * is dispatched by fabric-shim's own `ChaincodeFromContract` (contract routing, transaction
 * metadata, parameter marshalling, `ctx.clientIdentity`), the stub's state requests answered
 * by the same {@link TransactionContext} the protocol container uses. Only the message framing,
 * its serialisation and the event-loop hop per request are skipped, so the contract code that
 * runs, and the read/write set it produces, are those of {@link startInProcessContainer} — an
 * auditor's re-execution uses it for speed and keeps the protocol container as a cross-check.
 * Throws CHAINCODE_START_FAILED when the contracts cannot be loaded.
 */
export function startDirectContainer(options: InProcessContainerOptions): ChaincodeContainer {
  const shim = options.runtime ?? shimRuntime();
  const batch = options.maxResultsPerBatch ?? 100;
  const timeoutMs = options.executeTimeoutMs ?? 30_000;
  let chaincode: Invoker;
  try {
    const serializers = { transaction: 'jsonSerializer', serializers: { jsonSerializer: shim.JSONSerializer } };
    // The dispatcher appends its system contract to the array it is given: pass a copy.
    chaincode = new shim.ChaincodeFromContract([...options.contracts], serializers, {}, options.name, options.version ?? '') as Invoker;
  } catch (cause) {
    throw new ChaincodeError('CHAINCODE_START_FAILED', `chaincode ${options.name}: contracts do not load: ${(cause as Error).message}`, { chaincode: options.name }, cause);
  }
  const running = new Set<string>();
  let closed = false;

  const run = async (invocation: ChaincodeInvocation, signedProposal: unknown, context: TransactionContext): Promise<ChaincodeResponse> => {
    let stub: InstanceType<ShimRuntime['ChaincodeStub']>;
    try {
      const input = new shim.protos.ChaincodeInput();
      input.setArgsList([...invocation.args]);
      stub = new shim.ChaincodeStub(new DirectHandler(shim, context), invocation.channelId, invocation.txId, input, signedProposal);
    } catch (error) {
      return failure(String(error));
    }
    let resp = await chaincode.Invoke(stub);
    // as fabric-shim's handleMessage: a chaincode that returns no status has failed
    if (!resp || !resp.status) resp = { status: 500, message: `[${invocation.channelId}-${invocation.txId.slice(0, 8)}] Calling chaincode Invoke() has not called success or error.` };
    await context.closeAll().catch(() => undefined);
    const status = resp.status!;
    if (status < 400 && context.paginatedWithWrites) return failure('paginated queries are supported only in a read-only transaction');
    const event = stub.chaincodeEvent;
    return {
      status,
      message: resp.message ?? '',
      payload: resp.payload === undefined ? new Uint8Array() : new Uint8Array(resp.payload),
      ...(event !== undefined && event.getEventName() !== '' ? { event: { name: event.getEventName(), payload: new Uint8Array(event.getPayload_asU8()) } } : {}),
    };
  };

  return {
    name: options.name,
    async execute(invocation) {
      if (closed) return failure(`chaincode ${options.name} container is closed`);
      const key = `${invocation.channelId}\u0000${invocation.txId}`;
      if (running.has(key)) return failure(`transaction ${invocation.txId} is already executing`);
      let signedProposal: unknown;
      try {
        signedProposal = shim.protos.SignedProposal.deserializeBinary(invocation.signedProposal);
      } catch {
        return failure('signed proposal does not decode');
      }
      running.add(key);
      const context = new TransactionContext(invocation.namespace, invocation.simulator, invocation.history, { maxResultsPerBatch: batch });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<ChaincodeResponse>((resolve) => {
        timer = setTimeout(() => {
          void context.closeAll().catch(() => undefined);
          resolve(failure(`chaincode ${options.name} did not complete transaction ${invocation.txId} within ${timeoutMs} ms`));
        }, timeoutMs);
        timer.unref?.();
      });
      try {
        return await Promise.race([run(invocation, signedProposal, context).catch((error: unknown) => failure(String((error as Error)?.message ?? error))), timeout]);
      } finally {
        clearTimeout(timer);
        running.delete(key);
      }
    },
    close() {
      closed = true;
    },
  };
}
