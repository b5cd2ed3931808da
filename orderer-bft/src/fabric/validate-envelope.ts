import { X509Certificate } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import { type ChannelMembers, rootsByMsp } from './channel-members.js';
import { verifyP256 } from './ecdsa.js';
import { clientIdOf, computeTxId, parseEnvelope, type ParsedEnvelope } from './parse-envelope.js';

/** Stable reasons an envelope is refused at Broadcast (all answered with status BAD_REQUEST). */
export type EnvelopeRejectionCode =
  | 'OVERSIZED'
  | 'MALFORMED_ENVELOPE'
  | 'UNSUPPORTED_TYPE'
  | 'WRONG_CHANNEL'
  | 'UNKNOWN_ORG'
  | 'UNTRUSTED_CERTIFICATE'
  | 'CERTIFICATE_NOT_VALID_NOW'
  | 'BAD_SIGNATURE'
  | 'TX_ID_MISMATCH';

/** Outcome of {@link validateEnvelope}. */
export type EnvelopeValidation =
  | { readonly ok: true; readonly txId: string; readonly creatorMspId: string; readonly clientId: string; readonly type: number }
  | { readonly ok: false; readonly status: 'BAD_REQUEST'; readonly code: EnvelopeRejectionCode; readonly reason: string; readonly txId?: string };

/** Limits and context of {@link validateEnvelope}. */
export interface ValidateEnvelopeOptions {
  /** Largest accepted envelope (Fabric: BatchSize.AbsoluteMaxBytes). */
  readonly maxBytes: number;
  /** Time the certificate validity is checked at; omit to skip that (time-independent) check. */
  readonly now?: Date;
}

/** Header types accepted for ordering: transactions and plain messages (no config updates). */
const ORDERABLE = new Set<number>([common.HeaderType.ENDORSER_TRANSACTION, common.HeaderType.MESSAGE]);

function reject(code: EnvelopeRejectionCode, reason: string, txId?: string): EnvelopeValidation {
  return { ok: false, status: 'BAD_REQUEST', code, reason, ...(txId ? { txId } : {}) };
}

/**
 * Broadcast admission of one envelope, as a Fabric orderer's message filters do: size, structure,
 * channel, creator certificate chaining to a root CA of a channel organisation (and valid at
 * `now`), the creator's low-S ECDSA signature over the payload bytes, and, for endorser
 * transactions, tx id = hex(SHA-256(nonce ‖ creator)). Never throws.
 */
export function validateEnvelope(bytes: Uint8Array, channel: ChannelMembers, options: ValidateEnvelopeOptions): EnvelopeValidation {
  if (bytes.byteLength > options.maxBytes) return reject('OVERSIZED', `envelope is ${bytes.byteLength} bytes, limit ${options.maxBytes}`);
  const parsed = parseEnvelope(bytes);
  if ('code' in parsed) return reject(parsed.code, parsed.reason);
  const { txId } = parsed;
  if (!ORDERABLE.has(parsed.type)) return reject('UNSUPPORTED_TYPE', `header type ${parsed.type} is not orderable here`, txId);
  if (parsed.channelId !== channel.channelId) {
    return reject('WRONG_CHANNEL', `envelope is for channel '${parsed.channelId}', this is '${channel.channelId}'`, txId);
  }
  const identity = checkCreator(parsed, channel, options.now);
  if ('code' in identity) return reject(identity.code, identity.reason, txId);
  if (!verifyP256(identity.certificate.publicKey, parsed.payload, parsed.signature, 'der')) {
    return reject('BAD_SIGNATURE', 'envelope signature does not verify with the creator certificate', txId);
  }
  if (parsed.type === common.HeaderType.ENDORSER_TRANSACTION && txId !== computeTxId(parsed.nonce, parsed.creator)) {
    return reject('TX_ID_MISMATCH', 'tx id is not hex(SHA-256(nonce ‖ creator))', txId);
  }
  return { ok: true, txId, creatorMspId: parsed.creatorMspId, clientId: clientIdOf(parsed), type: parsed.type };
}

type CreatorCheck = { readonly certificate: X509Certificate } | { readonly code: EnvelopeRejectionCode; readonly reason: string };

/** The creator's certificate if it is a leaf issued by one of its organisation's root CAs. */
export function checkCreator(parsed: ParsedEnvelope, channel: ChannelMembers, now?: Date): CreatorCheck {
  const roots = rootsByMsp(channel).get(parsed.creatorMspId);
  if (roots === undefined || roots.length === 0) {
    return { code: 'UNKNOWN_ORG', reason: `MSP '${parsed.creatorMspId}' is not an organisation of channel '${channel.channelId}'` };
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(Buffer.from(parsed.creatorIdBytes));
  } catch {
    return { code: 'MALFORMED_ENVELOPE', reason: 'creator id bytes are not an X.509 certificate' };
  }
  const issuer = roots.find((root) => certificate.checkIssued(root) && certificate.verify(root.publicKey));
  if (issuer === undefined || certificate.ca) {
    return { code: 'UNTRUSTED_CERTIFICATE', reason: `creator certificate is not a leaf issued by a root CA of '${parsed.creatorMspId}'` };
  }
  if (now !== undefined) {
    const t = now.getTime();
    for (const cert of [certificate, issuer]) {
      if (t < Date.parse(cert.validFrom) || t > Date.parse(cert.validTo)) {
        return { code: 'CERTIFICATE_NOT_VALID_NOW', reason: `certificate '${cert.subject.replace(/\n/g, ', ')}' is not valid at ${now.toISOString()}` };
      }
    }
  }
  return { certificate };
}
