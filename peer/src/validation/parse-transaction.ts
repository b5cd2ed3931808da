import { common, peer } from '@hyperledger/fabric-protos';
import { decodeBounded } from '@speedledger/orderer-bft';

const C = peer.TxValidationCode;

/** An envelope taken apart down to its headers (nothing verified yet). */
export interface EnvelopeParts {
  readonly payloadBytes: Uint8Array;
  readonly signature: Uint8Array;
  readonly payload: common.Payload;
  readonly channelHeader: common.ChannelHeader;
  readonly channelHeaderBytes: Uint8Array;
  readonly signatureHeaderBytes: Uint8Array;
  readonly creator: Uint8Array;
  readonly nonce: Uint8Array;
  readonly txId: string;
  readonly type: number;
  readonly timestamp: Date;
}

/** A stage's refusal: the `peer.TxValidationCode` and why. */
export interface Refusal {
  readonly code: number;
  readonly reason: string;
}

export const refuse = (code: number, reason: string): Refusal => ({ code, reason });

function parse<T>(decode: (bytes: Uint8Array) => T, bytes: Uint8Array): T | undefined {
  try {
    return decode(bytes);
  } catch {
    return undefined;
  }
}

/** The channel-header timestamp, or the epoch when absent. */
function timestampOf(header: common.ChannelHeader): Date {
  const ts = header.getTimestamp();
  if (ts === undefined) return new Date(0);
  return new Date(ts.getSeconds() * 1000 + Math.floor(ts.getNanos() / 1e6));
}

/**
 * Structural checks of Fabric's `ValidateTransaction` up to the headers: NIL_ENVELOPE for empty
 * data, INVALID_OTHER_REASON for bytes that are no Envelope, BAD_PAYLOAD, BAD_CHANNEL_HEADER,
 * BAD_COMMON_HEADER (missing header, epoch ≠ 0, missing nonce or creator).
 */
export function parseEnvelopeParts(data: Uint8Array): EnvelopeParts | Refusal {
  if (data.byteLength === 0) return refuse(C.NIL_ENVELOPE, 'empty envelope');
  const envelope = parse((b) => decodeBounded(common.Envelope, b), data);
  if (envelope === undefined) return refuse(C.INVALID_OTHER_REASON, 'not a common.Envelope');
  const payloadBytes = envelope.getPayload_asU8();
  if (payloadBytes.byteLength === 0) return refuse(C.BAD_PAYLOAD, 'envelope has no payload');
  const payload = parse((b) => decodeBounded(common.Payload, b), payloadBytes);
  if (payload === undefined) return refuse(C.BAD_PAYLOAD, 'payload is not a common.Payload');
  const header = payload.getHeader();
  if (header === undefined) return refuse(C.BAD_COMMON_HEADER, 'payload has no header');
  const channelHeaderBytes = header.getChannelHeader_asU8();
  const channelHeader = channelHeaderBytes.byteLength === 0 ? undefined : parse((b) => decodeBounded(common.ChannelHeader, b), channelHeaderBytes);
  if (channelHeader === undefined) return refuse(C.BAD_CHANNEL_HEADER, 'missing or malformed channel header');
  const signatureHeaderBytes = header.getSignatureHeader_asU8();
  const signatureHeader = signatureHeaderBytes.byteLength === 0 ? undefined : parse((b) => decodeBounded(common.SignatureHeader, b), signatureHeaderBytes);
  if (signatureHeader === undefined) return refuse(C.BAD_COMMON_HEADER, 'missing or malformed signature header');
  if (channelHeader.getEpoch() !== 0) return refuse(C.BAD_COMMON_HEADER, `epoch ${channelHeader.getEpoch()} is not 0`);
  const nonce = signatureHeader.getNonce_asU8();
  const creator = signatureHeader.getCreator_asU8();
  if (nonce.byteLength === 0) return refuse(C.BAD_COMMON_HEADER, 'signature header has no nonce');
  if (creator.byteLength === 0) return refuse(C.BAD_COMMON_HEADER, 'signature header has no creator');
  return {
    payloadBytes,
    signature: envelope.getSignature_asU8(),
    payload,
    channelHeader,
    channelHeaderBytes,
    signatureHeaderBytes,
    creator,
    nonce,
    txId: channelHeader.getTxId(),
    type: channelHeader.getType(),
    timestamp: timestampOf(channelHeader),
  };
}

/** The header fields readable from an envelope however malformed, for the verdict record. */
export function headerFieldsOf(parts: EnvelopeParts | Refusal): { txId: string; headerType: number; timestamp: Date } {
  if ('code' in parts) return { txId: '', headerType: 0, timestamp: new Date(0) };
  return { txId: parts.txId, headerType: parts.type, timestamp: parts.timestamp };
}

/** The header fields of a CONFIG envelope (signed or not), or undefined if `data` is not one. */
export function genesisConfigHeader(data: Uint8Array): { txId: string; headerType: number; timestamp: Date } | undefined {
  const envelope = parse((b) => decodeBounded(common.Envelope, b), data);
  const payload = envelope && parse((b) => decodeBounded(common.Payload, b), envelope.getPayload_asU8());
  const headerBytes = payload?.getHeader()?.getChannelHeader_asU8();
  const channelHeader = headerBytes && parse((b) => decodeBounded(common.ChannelHeader, b), headerBytes);
  if (!channelHeader || channelHeader.getType() !== common.HeaderType.CONFIG) return undefined;
  return { txId: channelHeader.getTxId(), headerType: channelHeader.getType(), timestamp: timestampOf(channelHeader) };
}
