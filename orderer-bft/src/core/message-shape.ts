import type { Envelope, Message } from './messages.js';

/**
 * Structural check of an envelope received from the network, before anything reads it. A
 * correctly signed message from a Byzantine replica may still be garbage; it must be dropped,
 * never crash the replica. Nested envelopes (certificates) are checked recursively.
 */
export function isWellFormedEnvelope(value: unknown, depth = 0): value is Envelope {
  if (!isRecord(value) || depth > 3) return false;
  return isIndex(value.from) && value.signature instanceof Uint8Array && isWellFormedMessage(value.body, depth);
}

function isWellFormedMessage(body: unknown, depth: number): body is Message {
  if (!isRecord(body)) return false;
  switch (body.type) {
    case 'pre-prepare':
      return isIndex(body.view) && isIndex(body.seq) && isProposal(body.proposal);
    case 'prepare':
      return isIndex(body.view) && isIndex(body.seq) && typeof body.digest === 'string';
    case 'commit':
      return isIndex(body.view) && isIndex(body.seq) && typeof body.digest === 'string' && body.signature instanceof Uint8Array;
    case 'checkpoint':
      return isIndex(body.seq) && typeof body.digest === 'string';
    case 'view-change':
      return (
        isIndex(body.view) &&
        isCheckpointCertificate(body.checkpoint, depth) &&
        Array.isArray(body.prepared) &&
        body.prepared.every((cert) => isPreparedCertificate(cert, depth))
      );
    case 'new-view':
      return (
        isIndex(body.view) &&
        isEnvelopeArray(body.viewChanges, 'view-change', depth) &&
        isEnvelopeArray(body.prePrepares, 'pre-prepare', depth)
      );
    case 'forward':
      return Array.isArray(body.requests) && body.requests.every((r) => r instanceof Uint8Array);
    case 'new-view-request':
    case 'complain':
      return isIndex(body.view);
    case 'status':
      return isIndex(body.view) && isIndex(body.seq);
    default:
      return false;
  }
}

function isCheckpointCertificate(value: unknown, depth: number): boolean {
  return (
    isRecord(value) && isIndex(value.seq) && typeof value.digest === 'string' &&
    isEnvelopeArray(value.proof, 'checkpoint', depth)
  );
}

function isPreparedCertificate(value: unknown, depth: number): boolean {
  return (
    isRecord(value) &&
    isTypedEnvelope(value.prePrepare, 'pre-prepare', depth) &&
    isEnvelopeArray(value.prepares, 'prepare', depth)
  );
}

function isEnvelopeArray(value: unknown, type: Message['type'], depth: number): boolean {
  return Array.isArray(value) && value.every((item) => isTypedEnvelope(item, type, depth));
}

function isTypedEnvelope(value: unknown, type: Message['type'], depth: number): boolean {
  return isWellFormedEnvelope(value, depth + 1) && value.body.type === type;
}

function isProposal(value: unknown): boolean {
  return isRecord(value) && value.header instanceof Uint8Array && value.payload instanceof Uint8Array;
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Structural check of a decision handed over by a peer during state transfer. */
export function isWellFormedDecision(value: unknown): boolean {
  return (
    isRecord(value) && isIndex(value.seq) && isIndex(value.view) && isProposal(value.proposal) &&
    typeof value.digest === 'string' && Array.isArray(value.signatures) &&
    value.signatures.every((sig) => isRecord(sig) && isIndex(sig.replica) && sig.signature instanceof Uint8Array)
  );
}
