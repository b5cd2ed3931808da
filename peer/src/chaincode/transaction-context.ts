import { createRequire } from 'node:module';
import { ledger, peer } from '@hyperledger/fabric-protos';
import type { HistoryReader } from '../ledger/world-state.js';
import type { TxSimulator } from '../simulation/tx-simulator.js';

const requireFromProtos = createRequire(createRequire(import.meta.url).resolve('@hyperledger/fabric-protos'));
const { Timestamp } = requireFromProtos('google-protobuf/google/protobuf/timestamp_pb.js') as { Timestamp: { fromDate(date: Date): unknown } };

const T = peer.ChaincodeMessage.Type;

/** Why a chaincode request was refused: sent back to the shim as an ERROR message. */
export class ChaincodeRequestError extends Error {}

type Item = { readonly bytes: Uint8Array; readonly key: string };

interface OpenIterator {
  readonly source: AsyncIterator<Item>;
  pending: Item | undefined;
}

/** Limits of one transaction's chaincode requests. */
export interface TransactionLimits {
  /** Results per GET_STATE_BY_RANGE / QUERY_STATE_NEXT batch (Fabric's maxResultsPerBatch). */
  readonly maxResultsPerBatch: number;
}

/**
 * The peer's side of the chaincode protocol for one transaction: answers the shim's state,
 * range, metadata and history requests from the transaction's simulator and the history index.
 * Reads see committed state only; rich queries, private data and chaincode-to-chaincode calls are
 * refused with the reason.
 */
export class TransactionContext {
  readonly #namespace: string;
  readonly #simulator: TxSimulator;
  readonly #history: HistoryReader;
  readonly #limits: TransactionLimits;
  readonly #iterators = new Map<string, OpenIterator>();
  #iteratorCounter = 0;
  #paginated = false;
  #wrote = false;

  constructor(namespace: string, simulator: TxSimulator, history: HistoryReader, limits: TransactionLimits) {
    this.#namespace = namespace;
    this.#simulator = simulator;
    this.#history = history;
    this.#limits = limits;
  }

  /** True when the transaction ran a paginated query and also wrote: Fabric fails it. */
  get paginatedWithWrites(): boolean {
    return this.#paginated && this.#wrote;
  }

  /** Answers one request; throws ChaincodeRequestError (or a simulator error) to refuse it. */
  async serve(type: number, payload: Uint8Array): Promise<Uint8Array> {
    switch (type) {
      case T.GET_STATE: {
        const req = peer.GetState.deserializeBinary(payload);
        this.#requirePublic(req.getCollection());
        return (await this.#simulator.getState(this.#namespace, req.getKey())) ?? new Uint8Array();
      }
      case T.PUT_STATE: {
        const req = peer.PutState.deserializeBinary(payload);
        this.#requirePublic(req.getCollection());
        this.#simulator.putState(this.#namespace, req.getKey(), req.getValue_asU8());
        this.#wrote = true;
        return new Uint8Array();
      }
      case T.DEL_STATE: {
        const req = peer.DelState.deserializeBinary(payload);
        this.#requirePublic(req.getCollection());
        this.#simulator.deleteState(this.#namespace, req.getKey());
        this.#wrote = true;
        return new Uint8Array();
      }
      case T.GET_STATE_METADATA: {
        const req = peer.GetStateMetadata.deserializeBinary(payload);
        this.#requirePublic(req.getCollection());
        const result = new peer.StateMetadataResult();
        for (const [name, value] of await this.#simulator.getStateMetadata(this.#namespace, req.getKey())) {
          const entry = new peer.StateMetadata();
          entry.setMetakey(name);
          entry.setValue(value);
          result.addEntries(entry);
        }
        return result.serializeBinary();
      }
      case T.PUT_STATE_METADATA: {
        const req = peer.PutStateMetadata.deserializeBinary(payload);
        this.#requirePublic(req.getCollection());
        const meta = req.getMetadata();
        if (meta === undefined) throw new ChaincodeRequestError('PUT_STATE_METADATA without metadata');
        this.#simulator.setStateMetadata(this.#namespace, req.getKey(), meta.getMetakey(), meta.getValue_asU8());
        this.#wrote = true;
        return new Uint8Array();
      }
      case T.GET_STATE_BY_RANGE:
        return this.#range(peer.GetStateByRange.deserializeBinary(payload));
      case T.QUERY_STATE_NEXT: {
        const id = peer.QueryStateNext.deserializeBinary(payload).getId();
        return this.#batch(id, this.#limits.maxResultsPerBatch);
      }
      case T.QUERY_STATE_CLOSE: {
        const id = peer.QueryStateClose.deserializeBinary(payload).getId();
        await this.#close(id);
        const response = new peer.QueryResponse();
        response.setId(id);
        return response.serializeBinary();
      }
      case T.GET_HISTORY_FOR_KEY:
        return this.#historyForKey(peer.GetHistoryForKey.deserializeBinary(payload).getKey());
      case T.GET_QUERY_RESULT:
        throw new ChaincodeRequestError('ExecuteQuery not supported for leveldb: rich queries need CouchDB, which this peer does not provide');
      case T.GET_PRIVATE_DATA_HASH:
      case T.PURGE_PRIVATE_DATA:
        throw new ChaincodeRequestError('private data collections are not supported by this peer');
      case T.INVOKE_CHAINCODE:
        throw new ChaincodeRequestError('chaincode-to-chaincode invocation is not supported by this peer');
      default:
        throw new ChaincodeRequestError(`chaincode message type ${type} is not a request this peer serves`);
    }
  }

  /** Closes every iterator the chaincode left open. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.#iterators.keys()].map((id) => this.#close(id)));
  }

  #requirePublic(collection: string): void {
    if (collection !== '') throw new ChaincodeRequestError(`private data collection ${collection} is not supported by this peer`);
  }

  #open(items: AsyncIterable<Item>): string {
    const id = `${this.#namespace}-it-${++this.#iteratorCounter}`;
    this.#iterators.set(id, { source: items[Symbol.asyncIterator](), pending: undefined });
    return id;
  }

  async #close(id: string): Promise<void> {
    const iterator = this.#iterators.get(id);
    this.#iterators.delete(id);
    await iterator?.source.return?.();
  }

  async #range(req: InstanceType<typeof peer.GetStateByRange>): Promise<Uint8Array> {
    this.#requirePublic(req.getCollection());
    const metadataBytes = req.getMetadata_asU8();
    const query = metadataBytes.length > 0 ? peer.QueryMetadata.deserializeBinary(metadataBytes) : undefined;
    const pageSize = query?.getPagesize() ?? 0;
    const namespace = this.#namespace;
    const start = pageSize > 0 && query!.getBookmark() !== '' ? query!.getBookmark() : req.getStartkey();
    const scan = this.#simulator.rangeScan(namespace, start, req.getEndkey());
    const items = (async function* () {
      for await (const entry of scan) {
        const kv = new ledger.queryresult.KV();
        kv.setNamespace(namespace);
        kv.setKey(entry.key);
        kv.setValue(entry.value);
        yield { key: entry.key, bytes: kv.serializeBinary() };
      }
    })();
    const id = this.#open(items);
    if (pageSize <= 0) return this.#batch(id, this.#limits.maxResultsPerBatch);
    // A page is answered in one response; the bookmark is the first key of the next page.
    this.#paginated = true;
    const response = peer.QueryResponse.deserializeBinary(await this.#batch(id, pageSize));
    const bookmark = this.#iterators.get(id)?.pending?.key ?? '';
    await this.#close(id);
    response.setHasMore(false);
    const meta = new peer.QueryResponseMetadata();
    meta.setFetchedRecordsCount(response.getResultsList().length);
    meta.setBookmark(bookmark);
    response.setMetadata(meta.serializeBinary());
    return response.serializeBinary();
  }

  /** Up to `size` results; one more is fetched and kept to tell whether more remain (as Fabric does). */
  async #batch(id: string, size: number): Promise<Uint8Array> {
    const iterator = this.#iterators.get(id);
    if (iterator === undefined) throw new ChaincodeRequestError(`query iterator ${id} not found`);
    const response = new peer.QueryResponse();
    response.setId(id);
    let count = 0;
    while (true) {
      const item = iterator.pending ?? (await iterator.source.next()).value;
      iterator.pending = undefined;
      if (item === undefined) {
        this.#iterators.delete(id);
        response.setHasMore(false);
        break;
      }
      if (count === size) {
        iterator.pending = item;
        response.setHasMore(true);
        break;
      }
      const result = new peer.QueryResultBytes();
      result.setResultbytes(item.bytes);
      response.addResults(result);
      count++;
    }
    return response.serializeBinary();
  }

  async #historyForKey(key: string): Promise<Uint8Array> {
    const modifications = this.#history.history(this.#namespace, key);
    const items = (async function* () {
      for await (const mod of modifications) {
        const km = new ledger.queryresult.KeyModification();
        km.setTxId(mod.txId);
        km.setValue(mod.value);
        km.setIsDelete(mod.isDelete);
        km.setTimestamp(Timestamp.fromDate(mod.timestamp) as never);
        yield { key, bytes: km.serializeBinary() };
      }
    })();
    return this.#batch(this.#open(items), this.#limits.maxResultsPerBatch);
  }
}
