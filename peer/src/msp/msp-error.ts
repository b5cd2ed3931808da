import { StagedError } from '@speedledger/orderer-bft';

/** Stable codes of the MSP layer (identities, certificates, signing material). */
export const MSP_ERROR_CODES = [
  /** Bytes are not an `msp.SerializedIdentity`, or it has no MSP id / certificate. */
  'MALFORMED_IDENTITY',
  /** The identity's MSP is not one of the channel's organisations. */
  'UNKNOWN_MSP',
  /** The id bytes are not a parsable X.509 certificate. */
  'BAD_CERTIFICATE',
  /** The certificate is not issued by a root CA of its MSP. */
  'UNTRUSTED_CERTIFICATE',
  /** The certificate is itself a CA: CAs do not sign transactions. */
  'CA_CERTIFICATE',
  /** The certificate (or its issuer) is not valid at the time the caller passed. */
  'NOT_VALID_NOW',
  /**
   * The certificate starts outside its CA's validity (e.g. dated before the CA's notBefore):
   * Fabric's MSP verifies the chain at the certificate's own notBefore and refuses it.
   */
  'ISSUED_OUTSIDE_CA_VALIDITY',
  /** A root certificate handed to the manager is unusable (configuration error). */
  'INVALID_ROOT_CERTIFICATE',
  /** A local signing identity is unusable: bad PEM, not P-256, key not matching the certificate, unreadable MSP directory. */
  'INVALID_SIGNING_IDENTITY',
] as const;

/** One of {@link MSP_ERROR_CODES}. */
export type MspErrorCode = (typeof MSP_ERROR_CODES)[number];

/**
 * A typed error of the MSP layer. Identities from the network never throw (deserialisation
 * returns a failure value); only local configuration and material do.
 */
export class MspError extends StagedError<MspErrorCode> {
  constructor(code: MspErrorCode, message: string, ids: Record<string, number | string> = {}, cause?: unknown) {
    super('MspError', code, message, ids, cause);
  }
}
