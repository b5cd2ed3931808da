import { createHash } from 'node:crypto';
import { common, msp } from '@hyperledger/fabric-protos';
import { parseLenient } from './proto-parse.js';

/** An envelope taken apart: the fields Broadcast admission and the request inspector need. */
export interface ParsedEnvelope {
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
  readonly channelId: string;
  readonly type: number;
  readonly txId: string;
  readonly nonce: Uint8Array;
  /** Serialised `msp.SerializedIdentity` of the creator (the tx id preimage includes it). */
  readonly creator: Uint8Array;
  readonly creatorMspId: string;
  /** The creator's certificate as carried (PEM bytes, as Fabric SDKs send it). */
  readonly creatorIdBytes: Uint8Array;
}

/** Why an envelope could not even be taken apart. */
export interface EnvelopeParseFailure {
  readonly code: 'MALFORMED_ENVELOPE';
  readonly reason: string;
}

/**
 * Parses `common.Envelope` → `Payload` → `ChannelHeader` + `SignatureHeader` → creator
 * `msp.SerializedIdentity`. Structural only: no signature or certificate is checked here.
 */
export function parseEnvelope(bytes: Uint8Array): ParsedEnvelope | EnvelopeParseFailure {
  const bad = (reason: string): EnvelopeParseFailure => ({ code: 'MALFORMED_ENVELOPE', reason });
  const envelope = parseLenient(common.Envelope, bytes);
  if (envelope === undefined) return bad('not a common.Envelope');
  const payloadBytes = envelope.getPayload_asU8();
  const signature = envelope.getSignature_asU8();
  if (payloadBytes.byteLength === 0) return bad('envelope has no payload');
  if (signature.byteLength === 0) return bad('envelope has no signature');
  const payload = parseLenient(common.Payload, payloadBytes);
  const header = payload?.getHeader();
  if (payload === undefined || header === undefined) return bad('payload has no header');
  const channelHeader = parseLenient(common.ChannelHeader, header.getChannelHeader_asU8());
  if (channelHeader === undefined || header.getChannelHeader_asU8().byteLength === 0) return bad('missing or malformed channel header');
  const signatureHeader = parseLenient(common.SignatureHeader, header.getSignatureHeader_asU8());
  if (signatureHeader === undefined || header.getSignatureHeader_asU8().byteLength === 0) return bad('missing or malformed signature header');
  const creator = signatureHeader.getCreator_asU8();
  const identity = parseLenient(msp.SerializedIdentity, creator);
  if (identity === undefined || identity.getMspid() === '' || identity.getIdBytes_asU8().byteLength === 0) {
    return bad('creator is not an msp.SerializedIdentity');
  }
  return {
    payload: payloadBytes,
    signature,
    channelId: channelHeader.getChannelId(),
    type: channelHeader.getType(),
    txId: channelHeader.getTxId(),
    nonce: signatureHeader.getNonce_asU8(),
    creator,
    creatorMspId: identity.getMspid(),
    creatorIdBytes: identity.getIdBytes_asU8(),
  };
}

/** Fabric's transaction id: hex(SHA-256(nonce ‖ creator)). */
export function computeTxId(nonce: Uint8Array, creator: Uint8Array): string {
  return createHash('sha256').update(nonce).update(creator).digest('hex');
}

/** Stable client identity for deduplication: creator MSP and the digest of its certificate bytes. */
export function clientIdOf(parsed: ParsedEnvelope): string {
  return `${parsed.creatorMspId}/${createHash('sha256').update(parsed.creatorIdBytes).digest('hex')}`;
}
