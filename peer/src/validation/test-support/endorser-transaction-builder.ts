import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { common, ledger, peer } from '@hyperledger/fabric-protos';
import { computeTxId } from '@speedledger/orderer-bft';
import type { SigningIdentity } from '../../msp/index.js';
import { proposalHash } from '../proposal-hash.js';

const kv = ledger.rwset.kvrwset;
// The Timestamp class of the google-protobuf copy the protos were generated against.
const requireFromProtos = createRequire(createRequire(import.meta.url).resolve('@hyperledger/fabric-protos'));
const { Timestamp } = requireFromProtos('google-protobuf/google/protobuf/timestamp_pb.js') as {
  Timestamp: { fromDate(date: Date): NonNullable<ReturnType<common.ChannelHeader['getTimestamp']>> };
};

/** A read: no version = read as absent. */
export interface ReadSpec {
  readonly key: string;
  readonly version?: { blockNum: number; txNum: number };
}

/** A range query as the simulator records it (raw reads). */
export interface RangeSpec {
  readonly startKey: string;
  readonly endKey: string;
  readonly exhausted: boolean;
  readonly reads: readonly ReadSpec[];
}

/** One namespace's read/write set. */
export interface NamespaceSpec {
  readonly namespace: string;
  readonly reads?: readonly ReadSpec[];
  readonly ranges?: readonly RangeSpec[];
  /** `null` deletes the key. */
  readonly writes?: readonly { key: string; value: string | null }[];
  readonly metadataWrites?: readonly { key: string; entries: Record<string, Uint8Array> }[];
}

/** Everything an endorser transaction says, with knobs to spoil each part for negative tests. */
export interface EndorserTxSpec {
  readonly channelId: string;
  readonly creator: SigningIdentity;
  readonly chaincode: string;
  readonly chaincodeVersion?: string;
  readonly namespaces: readonly NamespaceSpec[];
  readonly endorsers: readonly SigningIdentity[];
  readonly event?: { name: string; payload: string; chaincodeId?: string };
  readonly nonce?: Uint8Array;
  readonly txId?: string;
  readonly timestamp?: Date;
  readonly headerType?: number;
  readonly epoch?: number;
  /** Signs the envelope with this identity instead of the creator. */
  readonly envelopeSigner?: SigningIdentity;
  /** Endorsement signatures by these identities' keys while naming the listed endorsers. */
  readonly forgeEndorsementsWith?: SigningIdentity;
  /** Breaks the proposal hash binding. */
  readonly wrongProposalHash?: boolean;
  readonly actionChaincodeName?: string;
  /** `ChaincodeInput.args` of the proposal (default `['invoke']`). */
  readonly args?: readonly Uint8Array[];
}

function read(spec: ReadSpec): ledger.rwset.kvrwset.KVRead {
  const r = new kv.KVRead();
  r.setKey(spec.key);
  if (spec.version) {
    const v = new kv.Version();
    v.setBlockNum(spec.version.blockNum);
    v.setTxNum(spec.version.txNum);
    r.setVersion(v);
  }
  return r;
}

/** The TxReadWriteSet bytes of the given namespaces. */
export function txRwSetBytes(namespaces: readonly NamespaceSpec[]): Uint8Array {
  const tx = new ledger.rwset.TxReadWriteSet();
  tx.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  tx.setNsRwsetList(namespaces.map((ns) => {
    const set = new kv.KVRWSet();
    set.setReadsList((ns.reads ?? []).map(read));
    set.setRangeQueriesInfoList((ns.ranges ?? []).map((range) => {
      const info = new kv.RangeQueryInfo();
      info.setStartKey(range.startKey);
      info.setEndKey(range.endKey);
      info.setItrExhausted(range.exhausted);
      const raw = new kv.QueryReads();
      raw.setKvReadsList(range.reads.map(read));
      info.setRawReads(raw);
      return info;
    }));
    set.setWritesList((ns.writes ?? []).map((w) => {
      const write = new kv.KVWrite();
      write.setKey(w.key);
      if (w.value === null) write.setIsDelete(true);
      else write.setValue(new TextEncoder().encode(w.value));
      return write;
    }));
    set.setMetadataWritesList((ns.metadataWrites ?? []).map((m) => {
      const write = new kv.KVMetadataWrite();
      write.setKey(m.key);
      write.setEntriesList(Object.entries(m.entries).map(([name, value]) => {
        const entry = new kv.KVMetadataEntry();
        entry.setName(name);
        entry.setValue(value);
        return entry;
      }));
      return write;
    }));
    const nsSet = new ledger.rwset.NsReadWriteSet();
    nsSet.setNamespace(ns.namespace);
    nsSet.setRwset(set.serializeBinary());
    return nsSet;
  }));
  return tx.serializeBinary();
}

/**
 * Builds a signed endorser transaction envelope the way a Fabric client and endorsers do:
 * proposal headers → chaincode proposal payload → proposal response payload (ChaincodeAction with
 * the kvrwset and event) → endorsements over `prp ‖ endorser` → transaction → signed envelope.
 */
export function buildEndorserTransaction(spec: EndorserTxSpec): { envelope: Uint8Array; txId: string } {
  const nonce = spec.nonce ?? new Uint8Array(randomBytes(24));
  const txId = spec.txId ?? computeTxId(nonce, spec.creator.serialized);
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(spec.chaincode);
  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(spec.headerType ?? common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(spec.channelId);
  channelHeader.setTxId(txId);
  channelHeader.setEpoch(spec.epoch ?? 0);
  channelHeader.setExtension$(extension.serializeBinary());
  channelHeader.setTimestamp(Timestamp.fromDate(spec.timestamp ?? new Date('2026-02-01T00:00:00Z')));
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(spec.creator.serialized);
  signatureHeader.setNonce(nonce);
  const channelHeaderBytes = channelHeader.serializeBinary();
  const signatureHeaderBytes = signatureHeader.serializeBinary();

  const input = new peer.ChaincodeInput();
  input.setArgsList(spec.args === undefined ? [new TextEncoder().encode('invoke')] : [...spec.args]);
  const invocation = new peer.ChaincodeInvocationSpec();
  const ccSpec = new peer.ChaincodeSpec();
  ccSpec.setChaincodeId(chaincodeId);
  ccSpec.setInput(input);
  invocation.setChaincodeSpec(ccSpec);
  const proposalPayload = new peer.ChaincodeProposalPayload();
  proposalPayload.setInput(invocation.serializeBinary());
  const proposalPayloadBytes = proposalPayload.serializeBinary();

  const action = new peer.ChaincodeAction();
  action.setResults(txRwSetBytes(spec.namespaces));
  if (spec.event) {
    const event = new peer.ChaincodeEvent();
    event.setChaincodeId(spec.event.chaincodeId ?? spec.chaincode);
    event.setTxId(txId);
    event.setEventName(spec.event.name);
    event.setPayload(new TextEncoder().encode(spec.event.payload));
    action.setEvents(event.serializeBinary());
  }
  const response = new peer.Response();
  response.setStatus(200);
  action.setResponse(response);
  const actionId = new peer.ChaincodeID();
  actionId.setName(spec.actionChaincodeName ?? spec.chaincode);
  actionId.setVersion(spec.chaincodeVersion ?? '1.0');
  action.setChaincodeId(actionId);
  const prp = new peer.ProposalResponsePayload();
  const hash = proposalHash(channelHeaderBytes, signatureHeaderBytes, proposalPayloadBytes);
  if (spec.wrongProposalHash) hash[0] = hash[0]! ^ 0xff;
  prp.setProposalHash(hash);
  prp.setExtension$(action.serializeBinary());
  const prpBytes = prp.serializeBinary();

  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(prpBytes);
  endorsed.setEndorsementsList(spec.endorsers.map((endorser) => {
    const endorsement = new peer.Endorsement();
    endorsement.setEndorser(endorser.serialized);
    const signer = spec.forgeEndorsementsWith ?? endorser;
    endorsement.setSignature(signer.sign(Buffer.concat([prpBytes, endorser.serialized])));
    return endorsement;
  }));
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(proposalPayloadBytes);
  actionPayload.setAction(endorsed);
  const txAction = new peer.TransactionAction();
  txAction.setHeader(signatureHeaderBytes);
  txAction.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([txAction]);

  const header = new common.Header();
  header.setChannelHeader(channelHeaderBytes);
  header.setSignatureHeader(signatureHeaderBytes);
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(transaction.serializeBinary());
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature((spec.envelopeSigner ?? spec.creator).sign(payloadBytes));
  return { envelope: envelope.serializeBinary(), txId };
}

/** A block with the given envelopes (no orderer metadata: the validator does not read it). */
export function buildBlock(number: number, envelopes: readonly Uint8Array[]): common.Block {
  const header = new common.BlockHeader();
  header.setNumber(number);
  const data = new common.BlockData();
  data.setDataList([...envelopes]);
  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  return block;
}
