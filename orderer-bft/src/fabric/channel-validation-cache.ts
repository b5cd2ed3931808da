import type { KeyObject, X509Certificate } from 'node:crypto';
import { BoundedLru } from './bounded-lru.js';
import type { ChannelMembers } from './channel-members.js';

/** One certificate's validity window (milliseconds since the epoch) and its subject for messages. */
export interface CertificateValidity {
  readonly subject: string;
  readonly notBefore: number;
  readonly notAfter: number;
}

/**
 * A creator (serialised identity) whose certificate is a leaf issued by a root CA of its
 * organisation. Time-independent: the windows are kept so that expiry is checked at every use.
 */
export interface TrustedCreator {
  readonly certificate: X509Certificate;
  readonly publicKey: KeyObject;
  /** MSP id + SHA-256 of the certificate bytes (the inspector's client id). */
  readonly clientId: string;
  /** The leaf's, then its issuer's window. */
  readonly validity: readonly CertificateValidity[];
}

/** An envelope that passed every time-independent admission check on this channel. */
export interface VerifiedEnvelope {
  readonly txId: string;
  readonly creatorMspId: string;
  readonly clientId: string;
  readonly type: number;
  readonly validity: readonly CertificateValidity[];
}

/** Entry limits of a {@link ChannelValidationCache}. */
export interface ValidationCacheLimits {
  /** Trusted creators kept (each holds a parsed certificate and a public key). */
  readonly maxCreators: number;
  /** Verified envelope digests kept (≈ 300 bytes each); covers admission → proposal validation. */
  readonly maxEnvelopes: number;
}

/** Defaults: a few thousand client identities; a pool's worth (100,000) of envelope digests. */
export const DEFAULT_VALIDATION_CACHE_LIMITS: ValidationCacheLimits = { maxCreators: 4_096, maxEnvelopes: 100_000 };

/**
 * Memo of the pure, repeated parts of envelope validation on one channel: creator chains keyed
 * by SHA-256 of the serialised identity, verified envelopes keyed by SHA-256 of their bytes. Only
 * successes are remembered, so a client sending ever new untrusted certificates or forged
 * envelopes cannot evict anyone; every entry is a pure function of its key and the channel,
 * hence a hit gives exactly the verdict recomputation would (expiry excepted: never cached).
 */
export class ChannelValidationCache {
  readonly creators: BoundedLru<string, TrustedCreator>;
  readonly envelopes: BoundedLru<string, VerifiedEnvelope>;

  constructor(limits: ValidationCacheLimits = DEFAULT_VALIDATION_CACHE_LIMITS) {
    this.creators = new BoundedLru(limits.maxCreators);
    this.envelopes = new BoundedLru(limits.maxEnvelopes);
  }
}

// Keyed by the channel object, so a cache can never serve the verdicts of another channel (or of
// the same channel id with other root CAs).
const caches = new WeakMap<ChannelMembers, ChannelValidationCache>();

/** The validation cache of `channel` (one per channel object, created on first use). */
export function channelValidationCache(channel: ChannelMembers): ChannelValidationCache {
  let cache = caches.get(channel);
  if (cache === undefined) {
    cache = new ChannelValidationCache();
    caches.set(channel, cache);
  }
  return cache;
}

/** Replaces the validation cache of `channel` by an empty one with the given limits. */
export function resetChannelValidationCache(channel: ChannelMembers, limits: Partial<ValidationCacheLimits> = {}): ChannelValidationCache {
  const cache = new ChannelValidationCache({ ...DEFAULT_VALIDATION_CACHE_LIMITS, ...limits });
  caches.set(channel, cache);
  return cache;
}
