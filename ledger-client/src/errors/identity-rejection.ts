import { LedgerError, type LedgerErrorDetails } from './ledger-error.js';

/**
 * How peers say they refused the client's own identity (the proposal's creator), before any
 * chaincode ran: real Fabric's endorser when the MSP cannot deserialise the creator (its
 * certificate chain does not verify at the certificate's own notBefore — a certificate dated
 * before its CA's start, a CA the channel does not know, a wrong MSP id), when the identity
 * does not validate, or when it has expired; the embedded peer's endorser (CREATOR_UNTRUSTED)
 * and its gateway's channel access check ("access denied: creator is not trusted (<MSP code>)").
 */
const CREATOR_REFUSED = [
  /creator org unknown, creator is malformed/,
  /creator certificate is not valid/,
  /\bidentity expired\b/i,
  /\[CREATOR_UNTRUSTED\]/,
  /access denied: creator is not trusted \([A-Z_]+\)/,
];

const EXPIRED = /expired|NOT_VALID_NOW|not valid at/i;
const BEFORE_CA = /ISSUED_OUTSIDE_CA_VALIDITY|creator org unknown, creator is malformed/;

function hint(refusal: string): string {
  if (EXPIRED.test(refusal)) return 'the certificate has expired (or is not valid yet): enrol it again';
  if (BEFORE_CA.test(refusal)) {
    return "the certificate does not verify under the channel's CA of its MSP: it must be issued by that CA and dated no earlier than the CA's own notBefore (Fabric verifies the chain at the certificate's notBefore), and its MSP id must be the channel's";
  }
  return "the certificate is not trusted by the channel's MSP of its organisation";
}

/**
 * IDENTITY_REJECTED when one of `messages` says a peer refused the client identity itself, else
 * null. Checked before the generic ENDORSE_FAILED by both libraries' mappings: retrying cannot
 * help, the identity has to be re-enrolled or the connection profile fixed.
 */
export function identityRejectionError(messages: readonly (string | undefined)[], fn: string, base: LedgerErrorDetails, cause: unknown): LedgerError | null {
  const refusal = messages.find((m): m is string => typeof m === 'string' && CREATOR_REFUSED.some((re) => re.test(m)));
  if (refusal === undefined) return null;
  return new LedgerError('IDENTITY_REJECTED', `${fn}: the peer refused this client's identity: ${hint(refusal)} (peer said: ${refusal})`, base, cause);
}
