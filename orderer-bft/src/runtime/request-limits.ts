import type { RequestLimits } from './bounded-grpc.js';

const KiB = 1024;

/** A replica-link frame after authentication: protocol messages (a NEW-VIEW carries proposals). */
export const LINK_FRAME_BYTES = 64 * 1024 * KiB;
/** A replica-link frame before authentication: only the signed hello (tens of bytes) is legitimate. */
export const LINK_HELLO_BYTES = 16 * KiB;
/** How long an accepted replica-link stream may stay unauthenticated before it is closed. */
export const LINK_HANDSHAKE_TIMEOUT_MS = 5000;
/** Concurrent gRPC streams one client connection may hold open on an orderer (HTTP/2 setting). */
export const MAX_STREAMS_PER_CONNECTION = 64;

/**
 * Largest request per orderer method: Broadcast carries one envelope (≤ `maxEnvelopeBytes`, plus
 * framing), Deliver a signed seek envelope, Pull two numbers, a link Stream only its hello until
 * the peer authenticates (then {@link LINK_FRAME_BYTES}). grpc-js refuses a larger message from its
 * length prefix, before buffering it.
 */
export function ordererRequestLimits(maxEnvelopeBytes: number): RequestLimits {
  return {
    '/orderer.AtomicBroadcast/Broadcast': maxEnvelopeBytes + 64 * KiB,
    '/orderer.AtomicBroadcast/Deliver': 64 * KiB,
    '/speedledger.orderer.ReplicaLink/Pull': 4 * KiB,
    '/speedledger.orderer.ReplicaLink/Stream': LINK_HELLO_BYTES,
  };
}
