import { createRequire } from 'node:module';
import { common, ledger, peer } from '@hyperledger/fabric-protos';
import { blockDataHash } from '@speedledger/orderer-bft';
import type { BlockValidation } from '../../validation/block-validation.js';
import { headerHashOf } from '../block-header-hash.js';
import { validationOfStoredBlock, withTransactionsFilter } from '../stored-block-validation.js';

// The Timestamp class of the google-protobuf copy the protos were generated against.
const requireFromProtos = createRequire(createRequire(import.meta.url).resolve('@hyperledger/fabric-protos'));
const { Timestamp } = requireFromProtos('google-protobuf/google/protobuf/timestamp_pb.js') as {
  Timestamp: { fromDate(date: Date): NonNullable<ReturnType<common.ChannelHeader['getTimestamp']>> };
};
const kv = ledger.rwset.kvrwset;

/** A write of a test transaction: `value: null` deletes. */
export interface TestWrite {
  readonly ns: string;
  readonly key: string;
  readonly value: string | null;
}

/** A test endorser transaction's content. */
export interface TestTx {
  readonly txId: string;
  readonly writes?: readonly TestWrite[];
  readonly metadata?: readonly { ns: string; key: string; entries: Record<string, string> }[];
  readonly event?: { chaincodeId: string; name: string; payload: string };
  readonly time?: Date;
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function envelopeOf(type: number, txId: string, data: Uint8Array, time: Date): Uint8Array {
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(type);
  channelHeader.setChannelId('speedledger');
  channelHeader.setTxId(txId);
  channelHeader.setTimestamp(Timestamp.fromDate(time));
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(new common.SignatureHeader().serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(data);
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  envelope.setSignature(Uint8Array.of(1, 2, 3));
  return envelope.serializeBinary();
}

/** A CONFIG envelope (its content is opaque to the ledger). */
export function configEnvelope(txId = 'config-0'): Uint8Array {
  return envelopeOf(common.HeaderType.CONFIG, txId, new common.ConfigEnvelope().serializeBinary(), new Date(0));
}

/** An ENDORSER_TRANSACTION envelope whose one action carries `tx`'s writes and event. */
export function endorserEnvelope(tx: TestTx): Uint8Array {
  const namespaces = [...new Set([...(tx.writes ?? []).map((w) => w.ns), ...(tx.metadata ?? []).map((m) => m.ns)])];
  const rwset = new ledger.rwset.TxReadWriteSet();
  rwset.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  rwset.setNsRwsetList(namespaces.map((ns) => {
    const set = new kv.KVRWSet();
    set.setWritesList((tx.writes ?? []).filter((w) => w.ns === ns).map((w) => {
      const write = new kv.KVWrite();
      write.setKey(w.key);
      write.setIsDelete(w.value === null);
      if (w.value !== null) write.setValue(enc(w.value));
      return write;
    }));
    set.setMetadataWritesList((tx.metadata ?? []).filter((m) => m.ns === ns).map((m) => {
      const write = new kv.KVMetadataWrite();
      write.setKey(m.key);
      write.setEntriesList(Object.entries(m.entries).map(([name, value]) => {
        const entry = new kv.KVMetadataEntry();
        entry.setName(name);
        entry.setValue(enc(value));
        return entry;
      }));
      return write;
    }));
    const nsRwset = new ledger.rwset.NsReadWriteSet();
    nsRwset.setNamespace(ns);
    nsRwset.setRwset(set.serializeBinary());
    return nsRwset;
  }));
  const action = new peer.ChaincodeAction();
  action.setResults(rwset.serializeBinary());
  if (tx.event !== undefined) {
    const event = new peer.ChaincodeEvent();
    event.setChaincodeId(tx.event.chaincodeId);
    event.setTxId(tx.txId);
    event.setEventName(tx.event.name);
    event.setPayload(enc(tx.event.payload));
    action.setEvents(event.serializeBinary());
  }
  const responsePayload = new peer.ProposalResponsePayload();
  responsePayload.setExtension$(action.serializeBinary());
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(responsePayload.serializeBinary());
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setAction(endorsed);
  const transactionAction = new peer.TransactionAction();
  transactionAction.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([transactionAction]);
  return envelopeOf(common.HeaderType.ENDORSER_TRANSACTION, tx.txId, transaction.serializeBinary(), tx.time ?? new Date(1_700_000_000_000));
}

/** A block as an orderer would cut it (no TRANSACTIONS_FILTER yet). */
export function makeBlock(number: number, previous: common.Block | undefined, envelopes: readonly Uint8Array[]): common.Block {
  const header = new common.BlockHeader();
  header.setNumber(number);
  header.setPreviousHash(previous === undefined ? new Uint8Array() : headerHashOf(previous.getHeader()!));
  header.setDataHash(blockDataHash(envelopes));
  const data = new common.BlockData();
  data.setDataList([...envelopes]);
  const metadata = new common.BlockMetadata();
  metadata.setMetadataList([new Uint8Array(), new Uint8Array(), new Uint8Array(), new Uint8Array(), new Uint8Array()]);
  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  block.setMetadata(metadata);
  return block;
}

/** The validation a validator would give `block` with these codes (writes read from the envelopes). */
export function validationWithCodes(block: common.Block, codes: readonly number[]): BlockValidation {
  return validationOfStoredBlock(withTransactionsFilter(block, Uint8Array.from(codes)));
}
