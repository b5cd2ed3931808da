import { createHash, X509Certificate } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import { type CertificateValidity, channelValidationCache, type TrustedCreator } from './channel-validation-cache.js';
import { type ChannelMembers, rootsByMsp } from './channel-members.js';
import { rolePolicyProblem } from './channel-roles.js';
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
  | 'TX_ID_MISMATCH'
  | 'NOT_A_WRITER';

/** Outcome of {@link validateEnvelope}. */
export type EnvelopeValidation =
  | { readonly ok: true; readonly txId: string; readonly creatorMspId: string; readonly clientId: string; readonly type: number }
  | { readonly ok: false; readonly status: 'BAD_REQUEST' | 'FORBIDDEN'; readonly code: EnvelopeRejectionCode; readonly reason: string; readonly txId?: string };

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
  // Fabric answers a failed Writers policy with FORBIDDEN, everything else with BAD_REQUEST.
  return { ok: false, status: code === 'NOT_A_WRITER' ? 'FORBIDDEN' : 'BAD_REQUEST', code, reason, ...(txId ? { txId } : {}) };
}

/**
 * Broadcast admission of one envelope, as a Fabric orderer's message filters do: size, structure,
 * channel, creator certificate chaining to a root CA of a channel organisation (and valid at
 * `now`), the creator's low-S ECDSA signature over the payload bytes, and, for endorser
 * transactions, tx id = hex(SHA-256(nonce ‖ creator)). Never throws.
 *
 * Envelopes that passed and their creators are remembered in the channel's bounded
 * {@link ChannelValidationCache}, so the same envelope seen again (Broadcast, then the inspector,
 * then a proposal) costs one SHA-256, and a known creator's certificate is not parsed or chained
 * again. The validity at `now` is checked at every call, cached or not.
 */
export function validateEnvelope(bytes: Uint8Array, channel: ChannelMembers, options: ValidateEnvelopeOptions): EnvelopeValidation {
  if (bytes.byteLength > options.maxBytes) return reject('OVERSIZED', `envelope is ${bytes.byteLength} bytes, limit ${options.maxBytes}`);
  const cache = channelValidationCache(channel);
  const digest = createHash('sha256').update(bytes).digest('base64');
  const known = cache.envelopes.get(digest);
  if (known !== undefined) {
    const expiry = validityProblem(known.validity, options.now);
    if (expiry !== undefined) return reject('CERTIFICATE_NOT_VALID_NOW', expiry, known.txId);
    return { ok: true, txId: known.txId, creatorMspId: known.creatorMspId, clientId: known.clientId, type: known.type };
  }
  const parsed = parseEnvelope(bytes);
  if ('code' in parsed) return reject(parsed.code, parsed.reason);
  const { txId } = parsed;
  if (!ORDERABLE.has(parsed.type)) return reject('UNSUPPORTED_TYPE', `header type ${parsed.type} is not orderable here`, txId);
  if (parsed.channelId !== channel.channelId) {
    return reject('WRONG_CHANNEL', `envelope is for channel '${parsed.channelId}', this is '${channel.channelId}'`, txId);
  }
  const identity = checkCreator(parsed, channel, options.now);
  if ('code' in identity) return reject(identity.code, identity.reason, txId);
  const org = channel.organizations.find((o) => o.mspId === parsed.creatorMspId)!;
  const notWriter = rolePolicyProblem(identity.certificate, org, 'Writers');
  if (notWriter !== undefined) return reject('NOT_A_WRITER', notWriter, txId);
  if (!verifyP256(identity.publicKey, parsed.payload, parsed.signature, 'der')) {
    return reject('BAD_SIGNATURE', 'envelope signature does not verify with the creator certificate', txId);
  }
  if (parsed.type === common.HeaderType.ENDORSER_TRANSACTION && txId !== computeTxId(parsed.nonce, parsed.creator)) {
    return reject('TX_ID_MISMATCH', 'tx id is not hex(SHA-256(nonce ‖ creator))', txId);
  }
  const { creatorMspId, type } = parsed;
  cache.envelopes.set(digest, { txId, creatorMspId, clientId: identity.clientId, type, validity: identity.validity });
  return { ok: true, txId, creatorMspId, clientId: identity.clientId, type };
}

type CreatorCheck = TrustedCreator | { readonly code: EnvelopeRejectionCode; readonly reason: string };

/**
 * The creator's certificate (and public key) if it is a leaf issued by one of its organisation's
 * root CAs, and valid at `now` when given. The chain verdict is cached per channel by MSP id +
 * SHA-256 of the certificate bytes; the validity is checked at every call.
 */
export function checkCreator(parsed: ParsedEnvelope, channel: ChannelMembers, now?: Date): CreatorCheck {
  const roots = rootsByMsp(channel).get(parsed.creatorMspId);
  if (roots === undefined || roots.length === 0) {
    return { code: 'UNKNOWN_ORG', reason: `MSP '${parsed.creatorMspId}' is not an organisation of channel '${channel.channelId}'` };
  }
  const cache = channelValidationCache(channel);
  // MSP id + digest of the certificate: injective (the digest has a fixed length) and exactly
  // what the verdict depends on besides the channel.
  const key = clientIdOf(parsed);
  let creator = cache.creators.get(key);
  if (creator === undefined) {
    const chained = chainCreator(parsed, roots, key);
    if ('code' in chained) return chained;
    creator = chained;
    cache.creators.set(key, creator);
  }
  const expiry = validityProblem(creator.validity, now);
  return expiry === undefined ? creator : { code: 'CERTIFICATE_NOT_VALID_NOW', reason: expiry };
}

function chainCreator(parsed: ParsedEnvelope, roots: readonly X509Certificate[], clientId: string): CreatorCheck {
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
  const window = (cert: X509Certificate): CertificateValidity => ({
    subject: cert.subject.replace(/\n/g, ', '),
    notBefore: Date.parse(cert.validFrom),
    notAfter: Date.parse(cert.validTo),
  });
  return { certificate, publicKey: certificate.publicKey, clientId, validity: [window(certificate), window(issuer)] };
}

/** Why the certificates are not valid at `now` (leaf first, then issuer); undefined if they are or no time is given. */
function validityProblem(validity: readonly CertificateValidity[], now: Date | undefined): string | undefined {
  if (now === undefined) return undefined;
  const t = now.getTime();
  const bad = validity.find((cert) => t < cert.notBefore || t > cert.notAfter);
  return bad === undefined ? undefined : `certificate '${bad.subject}' is not valid at ${now.toISOString()}`;
}
