import { createHash } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import type { Decision } from '../core/decision.js';
import type { Assembler, Proposal, RequestInfo } from '../core/dependencies.js';
import type { LedgerFormat } from './ledger-format.js';
import { decodeBounded } from '../fabric/wire-prescan.js';

/** What the structural check reads from a `common.Envelope`. */
export interface EnvelopeSummary {
  readonly type: number;
  readonly channelId: string;
  readonly txId: string;
  readonly creator: Uint8Array;
  readonly data: Uint8Array;
}

/** Options of {@link createProtoLedgerFormat}. */
export interface ProtoLedgerOptions {
  readonly channel: string;
  /** Largest envelope accepted by Broadcast (Fabric `AbsoluteMaxBytes`-like). */
  readonly maxEnvelopeBytes: number;
  /** Opaque description stored in the genesis block (e.g. the cluster's JSON). */
  readonly genesisData: Uint8Array;
}

const sha256 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(data).digest());

/**
 * Parses `Envelope → Payload → Header → ChannelHeader/SignatureHeader`; a string says what is
 * wrong. Signatures are not checked here (no MSP): that is the Fabric validator's job.
 */
export function summariseEnvelope(bytes: Uint8Array): EnvelopeSummary | string {
  try {
    const envelope = decodeBounded(common.Envelope, bytes);
    const payloadBytes = envelope.getPayload_asU8();
    if (payloadBytes.byteLength === 0) return 'envelope has no payload';
    const payload = decodeBounded(common.Payload, payloadBytes);
    const header = payload.getHeader();
    if (header === undefined) return 'payload has no header';
    const channelHeader = decodeBounded(common.ChannelHeader, header.getChannelHeader_asU8());
    const signatureHeader = decodeBounded(common.SignatureHeader, header.getSignatureHeader_asU8());
    return {
      type: channelHeader.getType(), channelId: channelHeader.getChannelId(), txId: channelHeader.getTxId(),
      creator: signatureHeader.getCreator_asU8(), data: payload.getData_asU8(),
    };
  } catch (cause) {
    return `not a common.Envelope (${(cause as Error).message})`;
  }
}

/**
 * The runtime's built-in ledger format: real `common.Block`s (header number / previous hash /
 * data hash, envelopes as block data, commit signatures in the SIGNATURES metadata) with
 * structural envelope checks only. Replaced by the Fabric layer when it is injected.
 */
export function createProtoLedgerFormat(options: ProtoLedgerOptions): LedgerFormat {
  const genesisEnvelope = buildConfigEnvelope(options.channel, options.genesisData);
  const genesisHeaderMessage = new common.BlockHeader();
  genesisHeaderMessage.setNumber(0);
  genesisHeaderMessage.setDataHash(sha256(genesisEnvelope));
  const genesisHeader = genesisHeaderMessage.serializeBinary();

  const assembler: Assembler = {
    assemble(requests, context): Proposal {
      const data = new common.BlockData();
      data.setDataList([...requests]);
      const header = new common.BlockHeader();
      header.setNumber(context.sequence);
      header.setPreviousHash(sha256(context.previousHeader));
      header.setDataHash(sha256(Buffer.concat(requests)));
      return { header: header.serializeBinary(), payload: data.serializeBinary() };
    },
    disassemble(proposal) {
      try {
        return decodeBounded(common.BlockData, proposal.payload).getDataList_asU8();
      } catch {
        return undefined;
      }
    },
  };

  const reason = (bytes: Uint8Array, types: readonly number[]): string | EnvelopeSummary => {
    if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0) return 'empty envelope';
    if (bytes.byteLength > options.maxEnvelopeBytes) return `envelope of ${bytes.byteLength} bytes exceeds ${options.maxEnvelopeBytes}`;
    const summary = summariseEnvelope(bytes);
    if (typeof summary === 'string') return summary;
    if (summary.channelId !== options.channel) return `channel "${summary.channelId}" is not "${options.channel}"`;
    if (!types.includes(summary.type)) return `header type ${summary.type} not accepted here`;
    if (summary.txId === '') return 'channel header has no tx_id';
    return summary;
  };
  const broadcastTypes = [common.HeaderType.ENDORSER_TRANSACTION, common.HeaderType.MESSAGE];

  return {
    assembler,
    genesisHeader,
    inspector: {
      inspect(request): RequestInfo | undefined {
        const summary = reason(request, broadcastTypes);
        if (typeof summary === 'string') return undefined;
        return { clientId: Buffer.from(sha256(summary.creator)).toString('hex'), requestId: summary.txId };
      },
    },
    genesisBlock: () => buildBlock(genesisHeader, [genesisEnvelope], []),
    toBlock: (decision: Decision) =>
      buildBlock(decision.proposal.header, assembler.disassemble(decision.proposal) ?? [], decision.signatures),
    validateBroadcast(bytes) {
      const summary = reason(bytes, broadcastTypes);
      return typeof summary === 'string' ? { status: 'BAD_REQUEST', reason: summary } : undefined;
    },
    authorizeDeliver(bytes) {
      const summary = reason(bytes, [common.HeaderType.DELIVER_SEEK_INFO]);
      return typeof summary === 'string' ? { status: 'BAD_REQUEST', reason: summary } : undefined;
    },
  };
}

function buildConfigEnvelope(channel: string, data: Uint8Array): Uint8Array {
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG);
  channelHeader.setChannelId(channel);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(data);
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope.serializeBinary();
}

function buildBlock(headerBytes: Uint8Array, envelopes: readonly Uint8Array[], signatures: Decision['signatures']): Uint8Array {
  const block = new common.Block();
  block.setHeader(decodeBounded(common.BlockHeader, headerBytes));
  const data = new common.BlockData();
  data.setDataList([...envelopes]);
  block.setData(data);
  const signatureMetadata = new common.Metadata();
  signatureMetadata.setSignaturesList(signatures.map(({ replica, signature }) => {
    const entry = new common.MetadataSignature();
    const identifier = new common.IdentifierHeader();
    identifier.setIdentifier(replica);
    entry.setIdentifierHeader(identifier.serializeBinary());
    entry.setSignature(signature);
    return entry;
  }));
  const metadata = new common.BlockMetadata();
  // Fabric's BlockMetadataIndex: SIGNATURES, LAST_CONFIG, TRANSACTIONS_FILTER, ORDERER, COMMIT_HASH.
  metadata.setMetadataList([signatureMetadata.serializeBinary(), new Uint8Array(), new Uint8Array(envelopes.length), new Uint8Array(), new Uint8Array()]);
  block.setMetadata(metadata);
  return block.serializeBinary();
}
