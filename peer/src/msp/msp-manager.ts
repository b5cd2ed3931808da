import { createHash, X509Certificate } from 'node:crypto';
import { msp } from '@hyperledger/fabric-protos';
import { BoundedLru } from '@speedledger/orderer-bft';
import type { Identity } from './identity.js';
import { MspError, type MspErrorCode } from './msp-error.js';
import { nodeRoleOf } from './node-role.js';
import { decodeBounded } from '@speedledger/orderer-bft';

/** An organisation the manager trusts: its MSP id and root CA certificates (PEM). */
export interface MspDefinitionInput {
  readonly mspId: string;
  readonly rootCertsPem: readonly string[];
}

/** Why a serialized identity was refused. */
export interface IdentityFailure {
  readonly error: string;
  readonly code: Exclude<MspErrorCode, 'INVALID_ROOT_CERTIFICATE' | 'INVALID_SIGNING_IDENTITY'>;
  /** The claimed MSP id, when the bytes were readable that far. */
  readonly mspId?: string;
}

/** Options of {@link createMspManager}. */
export interface MspManagerOptions {
  /** Verdicts remembered (by SHA-256 of the serialized bytes); default 4,096. */
  readonly cacheCapacity?: number;
}

/** Deserialises channel members' identities against their organisations' root CAs. */
export interface MspManager {
  /** MSP ids known to this manager, in definition order. */
  readonly mspIds: readonly string[];
  /**
   * Parses an `msp.SerializedIdentity`, checks that its certificate is a leaf (not a CA) issued
   * by a root CA of the MSP it names, and reads its NodeOU role. With `now`, the leaf and its
   * issuer must also be valid at that time (checked on every call, cached or not). Never throws.
   */
  deserialize(serialized: Uint8Array, now?: Date): Identity | IdentityFailure;
}

/** True when `value` is a deserialisation failure rather than an identity. */
export function isIdentityFailure(value: Identity | IdentityFailure): value is IdentityFailure {
  return 'error' in value;
}

interface Window {
  readonly subject: string;
  readonly notBefore: number;
  readonly notAfter: number;
}

type Verdict =
  | { readonly ok: true; readonly identity: Identity; readonly validity: readonly Window[] }
  | { readonly ok: false; readonly failure: IdentityFailure };

const DEFAULT_CAPACITY = 4096;

function windowOf(cert: X509Certificate): Window {
  return { subject: cert.subject.replace(/\n/g, ', '), notBefore: Date.parse(cert.validFrom), notAfter: Date.parse(cert.validTo) };
}

function parseRoots(def: MspDefinitionInput): X509Certificate[] {
  return def.rootCertsPem.map((pem, index) => {
    try {
      const cert = new X509Certificate(pem);
      if (!cert.ca) throw new Error('not a CA certificate');
      return cert;
    } catch (cause) {
      throw new MspError('INVALID_ROOT_CERTIFICATE', `root certificate ${index} of ${def.mspId} is unusable`, { mspId: def.mspId, index }, cause);
    }
  });
}

/**
 * A manager for the given organisations (e.g. a channel config's application and orderer
 * organisations). Throws INVALID_ROOT_CERTIFICATE if a root is not a parsable CA certificate:
 * that is local configuration, not network input. Intermediate CAs, CRLs and Fabric's legacy
 * `admincerts` are not supported: identities must be issued directly by a root.
 */
export function createMspManager(orgs: readonly MspDefinitionInput[], options: MspManagerOptions = {}): MspManager {
  const roots = new Map<string, X509Certificate[]>();
  for (const org of orgs) {
    roots.set(org.mspId, [...(roots.get(org.mspId) ?? []), ...parseRoots(org)]);
  }
  const cache = new BoundedLru<string, Verdict>(options.cacheCapacity ?? DEFAULT_CAPACITY);

  function judge(serialized: Uint8Array): Verdict {
    const fail = (code: IdentityFailure['code'], error: string, mspId?: string): Verdict => ({
      ok: false,
      failure: mspId === undefined ? { code, error } : { code, error, mspId },
    });
    let parsed: msp.SerializedIdentity;
    try {
      parsed = decodeBounded(msp.SerializedIdentity, serialized);
    } catch {
      return fail('MALFORMED_IDENTITY', 'not an msp.SerializedIdentity');
    }
    const mspId = parsed.getMspid();
    const idBytes = parsed.getIdBytes_asU8();
    if (mspId === '' || idBytes.byteLength === 0) return fail('MALFORMED_IDENTITY', 'serialized identity lacks an MSP id or certificate');
    const trusted = roots.get(mspId);
    if (trusted === undefined) return fail('UNKNOWN_MSP', `MSP '${mspId}' is not known on this channel`, mspId);
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(Buffer.from(idBytes));
    } catch {
      return fail('BAD_CERTIFICATE', `identity of ${mspId} does not carry a parsable X.509 certificate`, mspId);
    }
    if (certificate.ca) return fail('CA_CERTIFICATE', `identity of ${mspId} is a CA certificate`, mspId);
    const issuer = trusted.find((root) => certificate.checkIssued(root) && certificate.verify(root.publicKey));
    if (issuer === undefined) return fail('UNTRUSTED_CERTIFICATE', `certificate is not issued by a root CA of ${mspId}`, mspId);
    // Fabric's MSP verifies the chain at the leaf's notBefore + 1 s (not at "now"), so a leaf
    // dated before its CA's start never deserialises on a Fabric peer: refuse it here too.
    const leaf = windowOf(certificate);
    const ca = windowOf(issuer);
    const at = leaf.notBefore + 1000;
    if (at < ca.notBefore || at > ca.notAfter) {
      const iso = (t: number): string => new Date(t).toISOString();
      return fail('ISSUED_OUTSIDE_CA_VALIDITY', `certificate '${leaf.subject}' starts at ${iso(leaf.notBefore)}, outside the validity of its CA '${ca.subject}' (${iso(ca.notBefore)} to ${iso(ca.notAfter)}); Fabric verifies the chain at the certificate's notBefore`, mspId);
    }
    const identity: Identity = {
      mspId,
      serialized: new Uint8Array(serialized),
      idBytes: new Uint8Array(idBytes),
      certificate,
      publicKey: certificate.publicKey,
      role: nodeRoleOf(certificate),
    };
    return { ok: true, identity, validity: [leaf, ca] };
  }

  return {
    mspIds: [...roots.keys()],
    deserialize(serialized: Uint8Array, now?: Date): Identity | IdentityFailure {
      const key = createHash('sha256').update(serialized).digest('base64');
      let verdict = cache.get(key);
      if (verdict === undefined) {
        verdict = judge(serialized);
        cache.set(key, verdict);
      }
      if (!verdict.ok) return verdict.failure;
      if (now !== undefined) {
        const t = now.getTime();
        const bad = verdict.validity.find((w) => !(t >= w.notBefore && t <= w.notAfter));
        if (bad !== undefined) {
          return { code: 'NOT_VALID_NOW', error: `certificate '${bad.subject}' is not valid at ${now.toISOString()}`, mspId: verdict.identity.mspId };
        }
      }
      return verdict.identity;
    },
  };
}
