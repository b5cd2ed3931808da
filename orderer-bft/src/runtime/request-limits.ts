import type { RequestLimits } from './bounded-grpc.js';

const KiB = 1024;

/**
 * Ceiling of a replica-link frame after authentication, whatever the configuration: also the
 * orderer's gRPC send limit, so no larger frame could be sent by an honest replica anyway.
 */
export const LINK_FRAME_BYTES = 64 * 1024 * KiB;
/** Room for a small signed protocol message (prepare, commit, checkpoint vote…) in the codec. */
const MESSAGE_OVERHEAD = KiB;
/** Room for a proposal's block header and metadata around its batch. */
const BLOCK_OVERHEAD = 4 * KiB;
/** Per-request framing inside a proposal (protobuf tag + length) and in the link codec. */
const REQUEST_OVERHEAD = 32;

/** The protocol settings that decide how large a legitimate replica-link message can be. */
export interface LinkFrameSettings {
  readonly n: number;
  readonly batchMaxCount: number;
  readonly batchMaxBytes: number;
  readonly logWindow: number;
}

/**
 * Largest frame an honest replica can send under `settings`, capped at {@link LINK_FRAME_BYTES}.
 * Per message: a pre-prepare carries one proposal (≤ `batchMaxBytes` of requests plus framing and
 * a block header); a FORWARD at most `batchMaxBytes` of requests (the core splits larger ones);
 * a VIEW-CHANGE at most `logWindow` prepared certificates (pre-prepare plus 2f prepares) and a
 * checkpoint certificate; a NEW-VIEW 2f+1 VIEW-CHANGEs plus up to `logWindow` re-issued
 * pre-prepares — the largest. State transfer travels on Pull, whose answers have their own bound
 * (`PULL_RESPONSE_MAX_BYTES`). With the runtime defaults (4 MiB batches, window 40) a worst-case
 * NEW-VIEW exceeds the ceiling, so the ceiling binds; smaller batches lower the limit in proportion.
 */
export function linkFrameLimit(settings: LinkFrameSettings): number {
  const f = Math.floor((settings.n - 1) / 3);
  const proposal = settings.batchMaxBytes + settings.batchMaxCount * REQUEST_OVERHEAD + BLOCK_OVERHEAD;
  const prePrepare = proposal + MESSAGE_OVERHEAD;
  const certificate = prePrepare + 2 * f * MESSAGE_OVERHEAD;
  const viewChange = settings.logWindow * certificate + (2 * f + 2) * MESSAGE_OVERHEAD;
  const newView = (2 * f + 1) * viewChange + settings.logWindow * prePrepare + MESSAGE_OVERHEAD;
  return Math.min(LINK_FRAME_BYTES, newView);
}
/** A replica-link frame before authentication: only the signed hello (tens of bytes) is legitimate. */
export const LINK_HELLO_BYTES = 16 * KiB;
/** How long an accepted replica-link stream may stay unauthenticated before it is closed. */
export const LINK_HANDSHAKE_TIMEOUT_MS = 5000;
/** Concurrent gRPC streams one client connection may hold open on an orderer (HTTP/2 setting). */
export const MAX_STREAMS_PER_CONNECTION = 64;

/**
 * Largest request per orderer method: Broadcast carries one envelope (≤ `maxEnvelopeBytes`, plus
 * framing), Deliver a signed seek envelope, Pull two numbers, a link Stream only its hello until
 * the peer authenticates (then {@link linkFrameLimit}). grpc-js refuses a larger message from its
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
