import { common, ledger, peer } from '@hyperledger/fabric-protos';
import type {
  BlockValidation, CommittedChaincodeEvent, KeyMetadataWrite, KeyWrite, NamespaceWrites, ValidatedTransaction,
} from '../validation/block-validation.js';
import { LedgerError } from './ledger-error.js';

const VALID = peer.TxValidationCode.VALID;
const TRANSACTIONS_FILTER = common.BlockMetadataIndex.TRANSACTIONS_FILTER;

function parse<T>(what: { deserializeBinary(bytes: Uint8Array): T }, bytes: Uint8Array | undefined): T | undefined {
  if (bytes === undefined) return undefined;
  try {
    return what.deserializeBinary(bytes);
  } catch {
    return undefined;
  }
}

/** The TRANSACTIONS_FILTER bytes stored in a committed block's metadata (index 2). */
export function transactionsFilterOf(block: common.Block): Uint8Array {
  return block.getMetadata()?.getMetadataList_asU8()[TRANSACTIONS_FILTER] ?? new Uint8Array();
}

/**
 * A copy of `block` whose metadata index 2 holds `filter`, as Fabric's committer stores it: the
 * raw `TxValidationFlags` bytes, one per transaction (not wrapped in a `common.Metadata`). Missing
 * lower metadata entries are filled with empty bytes, as Fabric's block metadata always has them.
 */
export function withTransactionsFilter(block: common.Block, filter: Uint8Array): common.Block {
  const copy = common.Block.deserializeBinary(block.serializeBinary());
  const metadata = copy.getMetadata() ?? new common.BlockMetadata();
  const list = [...metadata.getMetadataList_asU8()];
  while (list.length <= TRANSACTIONS_FILTER) list.push(new Uint8Array());
  list[TRANSACTIONS_FILTER] = Uint8Array.from(filter);
  metadata.setMetadataList(list);
  copy.setMetadata(metadata);
  return copy;
}

/**
 * The validation of a block whose every transaction is VALID and writes nothing: block 0 (the
 * channel's genesis config block), and config blocks in general.
 */
export function configBlockValidation(block: common.Block): BlockValidation {
  const number = block.getHeader()?.getNumber();
  if (number === undefined) throw new LedgerError('LEDGER_MALFORMED_BLOCK', 'block has no header');
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  const transactions = envelopes.map((bytes, index) => {
    const { txId, headerType, timestamp } = headerOf(bytes);
    return { index, txId, headerType, code: VALID, timestamp, writes: [] } satisfies ValidatedTransaction;
  });
  return { blockNumber: number, transactions, transactionsFilter: new Uint8Array(envelopes.length).fill(VALID) };
}

interface EnvelopeHeader {
  readonly txId: string;
  readonly headerType: number;
  readonly timestamp: Date;
  readonly payload?: common.Payload;
}

function headerOf(envelopeBytes: Uint8Array): EnvelopeHeader {
  const envelope = parse(common.Envelope, envelopeBytes);
  const payload = parse(common.Payload, envelope?.getPayload_asU8());
  const channelHeader = parse(common.ChannelHeader, payload?.getHeader()?.getChannelHeader_asU8());
  const seconds = channelHeader?.getTimestamp()?.getSeconds() ?? 0;
  const nanos = channelHeader?.getTimestamp()?.getNanos() ?? 0;
  return {
    txId: channelHeader?.getTxId() ?? '',
    headerType: channelHeader?.getType() ?? 0,
    timestamp: new Date(seconds * 1000 + Math.floor(nanos / 1e6)),
    ...(payload === undefined ? {} : { payload }),
  };
}

/**
 * Rebuilds a committed block's validation from the block alone: the codes from its stored
 * TRANSACTIONS_FILTER and, for each VALID endorser transaction, the writes, metadata writes and
 * chaincode event of its (first) action's read/write set. This is what makes state rebuildable
 * from blocks: a replay applies exactly what the original commit applied.
 */
export function validationOfStoredBlock(block: common.Block): BlockValidation {
  const number = block.getHeader()?.getNumber();
  if (number === undefined) throw new LedgerError('LEDGER_MALFORMED_BLOCK', 'block has no header');
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  const filter = transactionsFilterOf(block);
  if (filter.byteLength !== envelopes.length) {
    throw new LedgerError('LEDGER_CORRUPT', `stored block has ${envelopes.length} transactions but a filter of ${filter.byteLength}`, { block: number });
  }
  const transactions = envelopes.map((bytes, index): ValidatedTransaction => {
    const header = headerOf(bytes);
    const code = filter[index]!;
    const base = { index, txId: header.txId, headerType: header.headerType, code, timestamp: header.timestamp, writes: [] };
    if (code !== VALID || header.headerType !== common.HeaderType.ENDORSER_TRANSACTION || header.payload === undefined) return base;
    const action = firstChaincodeAction(header.payload);
    if (action === undefined) return base;
    const event = eventOf(action, header.txId);
    return { ...base, writes: writesOf(action), ...(event === undefined ? {} : { chaincodeEvent: event }) };
  });
  return { blockNumber: number, transactions, transactionsFilter: Uint8Array.from(filter) };
}

function firstChaincodeAction(payload: common.Payload): peer.ChaincodeAction | undefined {
  const transaction = parse(peer.Transaction, payload.getData_asU8());
  const actionPayload = parse(peer.ChaincodeActionPayload, transaction?.getActionsList()[0]?.getPayload_asU8());
  const responsePayload = parse(peer.ProposalResponsePayload, actionPayload?.getAction()?.getProposalResponsePayload_asU8());
  return parse(peer.ChaincodeAction, responsePayload?.getExtension_asU8());
}

function writesOf(action: peer.ChaincodeAction): NamespaceWrites[] {
  const rwset = parse(ledger.rwset.TxReadWriteSet, action.getResults_asU8());
  const out: NamespaceWrites[] = [];
  for (const ns of rwset?.getNsRwsetList() ?? []) {
    const kv = parse(ledger.rwset.kvrwset.KVRWSet, ns.getRwset_asU8());
    if (kv === undefined) continue;
    const writes: KeyWrite[] = kv.getWritesList().map((w) => ({ key: w.getKey(), value: w.getIsDelete() ? null : w.getValue_asU8() }));
    const metadataWrites: KeyMetadataWrite[] = kv.getMetadataWritesList().map((m) => ({
      key: m.getKey(), entries: new Map(m.getEntriesList().map((e) => [e.getName(), e.getValue_asU8()])),
    }));
    if (writes.length > 0 || metadataWrites.length > 0) out.push({ namespace: ns.getNamespace(), writes, metadataWrites });
  }
  return out;
}

function eventOf(action: peer.ChaincodeAction, txId: string): CommittedChaincodeEvent | undefined {
  const event = parse(peer.ChaincodeEvent, action.getEvents_asU8());
  if (event === undefined || event.getEventName() === '') return undefined;
  return { chaincodeId: event.getChaincodeId(), txId: event.getTxId() || txId, eventName: event.getEventName(), payload: event.getPayload_asU8() };
}
