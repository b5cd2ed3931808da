import type { ServiceDefinition } from '@grpc/grpc-js';
import { canonicalBytes } from '../core/canonical-bytes.js';

const raw = (value: Buffer): Buffer => value;

/**
 * The replica-to-replica gRPC service. `Stream` is a bidirectional stream per (dialler, peer):
 * the peer sends a random challenge, the dialler answers with a hello signed by its replica
 * key over (challenge, from, to), and only then are its protocol messages (JSON-encoded
 * envelopes, each signed by the core as well) accepted. `Pull` serves decisions for state
 * transfer; decisions are self-certifying (2f+1 commit signatures), so it needs no link auth.
 */
export const REPLICA_LINK_SERVICE: ServiceDefinition = {
  stream: {
    path: '/speedledger.orderer.ReplicaLink/Stream',
    requestStream: true,
    responseStream: true,
    requestSerialize: raw,
    requestDeserialize: raw,
    responseSerialize: raw,
    responseDeserialize: raw,
  },
  pull: {
    path: '/speedledger.orderer.ReplicaLink/Pull',
    requestStream: false,
    responseStream: false,
    requestSerialize: raw,
    requestDeserialize: raw,
    responseSerialize: raw,
    responseDeserialize: raw,
  },
};

/** The challenge the accepting replica sends first. */
export interface LinkChallenge {
  readonly to: number;
  readonly nonce: Uint8Array;
}

/** The dialler's answer. */
export interface LinkHello {
  readonly from: number;
  readonly to: number;
  readonly signature: Uint8Array;
}

/**
 * A pull answer stops adding decisions once it holds this many bytes (at least one is always
 * sent). Issue 17: 128 full blocks exceeded grpc-js's default 4 MiB receive limit, so every pull
 * failed with RESOURCE_EXHAUSTED and a restarted replica never caught up.
 */
export const PULL_RESPONSE_SOFT_BYTES = 2 * 1024 * 1024;

/**
 * The puller's receive limit: the soft budget plus one maximal block (Fabric's AbsoluteMaxBytes
 * default 10 MiB, as in `fabric/genesis-block.ts`) plus encoding overhead.
 */
export const PULL_RESPONSE_MAX_BYTES = PULL_RESPONSE_SOFT_BYTES + 12 * 1024 * 1024;

/** A state-transfer request: decisions `fromSeq…fromSeq+max−1`. */
export interface PullRequest {
  readonly fromSeq: number;
  readonly max: number;
}

/** Bytes the hello signature covers; domain-separated from protocol messages. */
export function helloSigningBytes(from: number, to: number, nonce: Uint8Array): Uint8Array {
  return canonicalBytes({ link: 'speedledger-replica-link/1', from, to, nonce });
}
