import type { KeyObject, X509Certificate } from 'node:crypto';

/** Fabric NodeOU roles; `undefined` on an identity whose certificate carries none of them. */
export type NodeRole = 'admin' | 'peer' | 'client' | 'orderer';

/**
 * A channel member's identity after deserialisation: its `msp.SerializedIdentity` bytes, the
 * certificate they carry (already chained to a root CA of `mspId` by whoever produced this object)
 * and its NodeOU role.
 */
export interface Identity {
  readonly mspId: string;
  /** The `msp.SerializedIdentity` bytes, exactly as received (creator / endorser field). */
  readonly serialized: Uint8Array;
  /** The PEM certificate bytes inside the serialized identity. */
  readonly idBytes: Uint8Array;
  readonly certificate: X509Certificate;
  readonly publicKey: KeyObject;
  readonly role: NodeRole | undefined;
}

/** An identity holding its private key: the peer itself, or an admin/client in tools and tests. */
export interface SigningIdentity {
  readonly mspId: string;
  /** The `msp.SerializedIdentity` bytes to put in creator / endorser fields. */
  readonly serialized: Uint8Array;
  readonly certificatePem: string;
  /** DER ECDSA P-256 signature over SHA-256(message), normalised to low-S as Fabric requires. */
  sign(message: Uint8Array): Uint8Array;
}
