import { createRequire } from 'node:module';
import protos from '@hyperledger/fabric-protos';
import { compareKeys, type InMemoryLedger, type KeyVersion, type ReadWriteSet } from './in-memory-ledger.js';
import type { InvocationResult } from './chaincode-harness.js';
import type { ProposalEnvelope } from './signed-proposal.js';

const { ledger: ledgerProtos, peer } = protos;
const requireFromProtos = createRequire(createRequire(import.meta.url).resolve('@hyperledger/fabric-protos'));
const { Timestamp } = requireFromProtos('google-protobuf/google/protobuf/timestamp_pb.js') as { Timestamp: { fromDate(date: Date): unknown } };

type ChaincodeMessage = InstanceType<typeof peer.ChaincodeMessage>;
const T = peer.ChaincodeMessage.Type;
/** The shim's stand-in for an empty start key ("from the first key"). */
const EMPTY_KEY_SUBSTITUTE = '\x01';

interface Simulation {
  readonly envelope: ProposalEnvelope;
  readonly reads: Map<string, KeyVersion | null>;
  readonly writes: Map<string, Buffer | null>;
  readonly metadataWrites: { key: string; name: string; value: Buffer }[];
  readonly rangeQueries: ReadWriteSet['rangeQueries'];
  readonly iterators: Map<string, { items: { key: string; value: Buffer }[]; position: number }>;
  paginated: boolean;
  resolve(result: InvocationResult): void;
}

/**
 * The peer's side of the chaincode protocol, in memory: answers GET_STATE, PUT_STATE, DEL_STATE,
 * GET/PUT_STATE_METADATA, GET_STATE_BY_RANGE (batched or paginated), QUERY_STATE_NEXT/CLOSE and
 * GET_HISTORY_FOR_KEY like a LevelDB-backed peer (reads see committed state only, rich queries
 * are refused), and records the read/write set of each transaction.
 */
export class PeerSimulation {
  readonly #ledger: InMemoryLedger;
  readonly #send: (msg: ChaincodeMessage) => void;
  readonly #batch: number;
  readonly #simulations = new Map<string, Simulation>();
  #registered: (() => void) | undefined;
  #iteratorCounter = 0;

  constructor(ledger: InMemoryLedger, send: (msg: ChaincodeMessage) => void, maxResultsPerBatch: number) {
    this.#ledger = ledger;
    this.#send = send;
    this.#batch = maxResultsPerBatch;
  }

  awaitRegistration(): Promise<void> {
    return new Promise((resolve) => (this.#registered = resolve));
  }

  execute(envelope: ProposalEnvelope): Promise<InvocationResult> {
    if (this.#simulations.has(envelope.txId)) return Promise.reject(new Error(`duplicate tx id ${envelope.txId}`));
    return new Promise((resolve) => {
      this.#simulations.set(envelope.txId, {
        envelope,
        reads: new Map(),
        writes: new Map(),
        metadataWrites: [],
        rangeQueries: [],
        iterators: new Map(),
        paginated: false,
        resolve,
      });
      const input = new peer.ChaincodeInput();
      input.setArgsList(envelope.args);
      const msg = this.#message(T.TRANSACTION, input.serializeBinary(), envelope.txId, envelope.channelId);
      msg.setProposal(envelope.signedProposal);
      this.#send(msg);
    });
  }

  #message(type: number, payload: Uint8Array, txId: string, channelId: string): ChaincodeMessage {
    const msg = new peer.ChaincodeMessage();
    msg.setType(type as never);
    msg.setPayload(payload);
    msg.setTxid(txId);
    msg.setChannelId(channelId);
    return msg;
  }

  receive(msg: ChaincodeMessage): void {
    const type = msg.getType();
    if (type === T.REGISTER) {
      this.#send(this.#message(T.REGISTERED, new Uint8Array(), '', ''));
      this.#send(this.#message(T.READY, new Uint8Array(), '', ''));
      setImmediate(() => this.#registered?.());
      return;
    }
    const sim = this.#simulations.get(msg.getTxid());
    if (!sim) return;
    if (type === T.COMPLETED || type === T.ERROR) {
      this.#complete(sim, msg);
      return;
    }
    let reply: Uint8Array;
    try {
      reply = this.#serve(sim, type, msg.getPayload_asU8());
    } catch (error) {
      this.#send(this.#message(T.ERROR, Buffer.from((error as Error).message), msg.getTxid(), msg.getChannelId()));
      return;
    }
    this.#send(this.#message(T.RESPONSE, reply, msg.getTxid(), msg.getChannelId()));
  }

  #read(sim: Simulation, key: string) {
    const entry = this.#ledger.get(key);
    if (!sim.reads.has(key)) sim.reads.set(key, entry?.version ?? null);
    return entry;
  }

  #serve(sim: Simulation, type: number, payload: Uint8Array): Uint8Array {
    switch (type) {
      case T.GET_STATE: {
        const req = peer.GetState.deserializeBinary(payload);
        this.#requirePublic(req.getCollection());
        return this.#read(sim, req.getKey())?.value ?? new Uint8Array();
      }
      case T.PUT_STATE: {
        const req = peer.PutState.deserializeBinary(payload);
        this.#requirePublic(req.getCollection());
        if (req.getKey() === '') throw new Error('empty key is not allowed');
        sim.writes.set(req.getKey(), Buffer.from(req.getValue_asU8()));
        return new Uint8Array();
      }
      case T.DEL_STATE: {
        const req = peer.DelState.deserializeBinary(payload);
        this.#requirePublic(req.getCollection());
        sim.writes.set(req.getKey(), null);
        return new Uint8Array();
      }
      case T.PUT_STATE_METADATA: {
        const req = peer.PutStateMetadata.deserializeBinary(payload);
        this.#requirePublic(req.getCollection());
        const meta = req.getMetadata()!;
        sim.metadataWrites.push({ key: req.getKey(), name: meta.getMetakey(), value: Buffer.from(meta.getValue_asU8()) });
        return new Uint8Array();
      }
      case T.GET_STATE_METADATA: {
        const req = peer.GetStateMetadata.deserializeBinary(payload);
        this.#read(sim, req.getKey());
        const result = new peer.StateMetadataResult();
        for (const [name, value] of this.#ledger.metadata(req.getKey())) {
          const entry = new peer.StateMetadata();
          entry.setMetakey(name);
          entry.setValue(value);
          result.addEntries(entry);
        }
        return result.serializeBinary();
      }
      case T.GET_STATE_BY_RANGE:
        return this.#range(sim, peer.GetStateByRange.deserializeBinary(payload));
      case T.QUERY_STATE_NEXT:
        return this.#nextBatch(sim, peer.QueryStateNext.deserializeBinary(payload).getId());
      case T.QUERY_STATE_CLOSE: {
        const id = peer.QueryStateClose.deserializeBinary(payload).getId();
        sim.iterators.delete(id);
        const response = new peer.QueryResponse();
        response.setId(id);
        return response.serializeBinary();
      }
      case T.GET_HISTORY_FOR_KEY:
        return this.#history(peer.GetHistoryForKey.deserializeBinary(payload).getKey());
      case T.GET_QUERY_RESULT:
        throw new Error('ExecuteQuery not supported for leveldb');
      default:
        throw new Error(`message type ${type} is not supported by the in-memory peer`);
    }
  }

  #requirePublic(collection: string): void {
    if (collection !== '') throw new Error('private data collections are not supported by the in-memory peer');
  }

  #range(sim: Simulation, req: InstanceType<typeof peer.GetStateByRange>): Uint8Array {
    this.#requirePublic(req.getCollection());
    const start = req.getStartkey() === EMPTY_KEY_SUBSTITUTE ? '' : req.getStartkey();
    const end = req.getEndkey();
    const metadataBytes = req.getMetadata_asU8();
    const query = metadataBytes.length > 0 ? peer.QueryMetadata.deserializeBinary(metadataBytes) : null;
    const paginated = query !== null && query.getPagesize() > 0;
    const from = paginated && query.getBookmark() !== '' ? query.getBookmark() : start;
    let keys = this.#ledger.keysInRange(from, end);
    let bookmark = '';
    if (paginated) {
      sim.paginated = true;
      if (keys.length > query.getPagesize()) bookmark = keys[query.getPagesize()]!;
      keys = keys.slice(0, query.getPagesize());
    }
    sim.rangeQueries.push({ startKey: from, endKey: end, keys, paginated });
    const id = `it-${++this.#iteratorCounter}`;
    sim.iterators.set(id, { items: keys.map((key) => ({ key, value: this.#ledger.get(key)!.value })), position: 0 });
    const bytes = this.#nextBatch(sim, id, paginated ? Number.MAX_SAFE_INTEGER : this.#batch);
    if (!paginated) return bytes;
    const response = peer.QueryResponse.deserializeBinary(bytes);
    const meta = new peer.QueryResponseMetadata();
    meta.setFetchedRecordsCount(keys.length);
    meta.setBookmark(bookmark);
    response.setMetadata(meta.serializeBinary());
    return response.serializeBinary();
  }

  #nextBatch(sim: Simulation, id: string, size = this.#batch): Uint8Array {
    const iterator = sim.iterators.get(id);
    if (!iterator) throw new Error(`query iterator ${id} not found`);
    const response = new peer.QueryResponse();
    response.setId(id);
    const batch = iterator.items.slice(iterator.position, iterator.position + size);
    iterator.position += batch.length;
    for (const item of batch) {
      const kv = new ledgerProtos.queryresult.KV();
      kv.setNamespace(sim.envelope.chaincodeName);
      kv.setKey(item.key);
      kv.setValue(item.value);
      const result = new peer.QueryResultBytes();
      result.setResultbytes(kv.serializeBinary());
      response.addResults(result);
    }
    response.setHasMore(iterator.position < iterator.items.length);
    return response.serializeBinary();
  }

  #history(key: string): Uint8Array {
    const response = new peer.QueryResponse();
    response.setId(`history-${++this.#iteratorCounter}`);
    for (const mod of this.#ledger.history(key)) {
      const km = new ledgerProtos.queryresult.KeyModification();
      km.setTxId(mod.txId);
      km.setValue(mod.value);
      km.setIsDelete(mod.isDelete);
      km.setTimestamp(Timestamp.fromDate(mod.timestamp) as never);
      const result = new peer.QueryResultBytes();
      result.setResultbytes(km.serializeBinary());
      response.addResults(result);
    }
    response.setHasMore(false);
    return response.serializeBinary();
  }

  #complete(sim: Simulation, msg: ChaincodeMessage): void {
    this.#simulations.delete(sim.envelope.txId);
    const rwset: ReadWriteSet = {
      reads: [...sim.reads].map(([key, version]) => ({ key, version })),
      writes: [...sim.writes].map(([key, value]) => ({ key, value })).sort((a, b) => compareKeys(a.key, b.key)),
      metadataWrites: sim.metadataWrites,
      rangeQueries: sim.rangeQueries,
    };
    let status = 500;
    let message = Buffer.from(msg.getPayload_asU8()).toString('utf8');
    let payload = Buffer.alloc(0);
    if (msg.getType() === T.COMPLETED) {
      const response = peer.Response.deserializeBinary(msg.getPayload_asU8());
      status = response.getStatus();
      message = response.getMessage();
      payload = Buffer.from(response.getPayload_asU8());
    }
    // Fabric refuses paginated range queries in a transaction that also writes.
    if (status < 400 && sim.paginated && (rwset.writes.length > 0 || rwset.metadataWrites.length > 0)) {
      status = 500;
      message = 'paginated queries are supported only in a read-only transaction';
    }
    const ev = msg.getChaincodeEvent();
    const event = ev && ev.getEventName() !== '' ? { name: ev.getEventName(), payload: Buffer.from(ev.getPayload_asU8()) } : null;
    sim.resolve({ txId: sim.envelope.txId, status, message, payload, event, rwset });
  }
}
