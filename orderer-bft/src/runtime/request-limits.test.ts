import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMING } from '../core/config.js';
import type { CheckpointCertificate, Envelope, Message, NewView, PrePrepare, PreparedCertificate, ViewChange } from '../core/messages.js';
import { encodeValue } from './codec.js';
import { RUNTIME_TIMING } from './node-config.js';
import { LINK_FRAME_BYTES, linkFrameLimit } from './request-limits.js';

const signature = new Uint8Array(72).fill(1);
const digest = 'ab'.repeat(32);
const seal = <M extends Message>(from: number, body: M): Envelope<M> => ({ from, body, signature });

/**
 * The largest NEW-VIEW `settings` allow, built as the core builds it: 2f+1 VIEW-CHANGEs each
 * carrying `logWindow` prepared certificates of full batches, a full checkpoint certificate,
 * and `logWindow` re-issued pre-prepares of full batches (the payload framing is one protobuf
 * tag and length per request, as in a Fabric block's data).
 */
function worstNewView(n: number, batchMaxCount: number, batchMaxBytes: number, logWindow: number): Envelope<NewView> {
  const f = Math.floor((n - 1) / 3);
  const proposal = { header: new Uint8Array(120), payload: new Uint8Array(batchMaxBytes + batchMaxCount * 6) };
  const prePrepare = (seq: number): Envelope<PrePrepare> => seal(0, { type: 'pre-prepare', view: 1, seq, proposal });
  const certificate = (seq: number): PreparedCertificate => ({
    prePrepare: prePrepare(seq),
    prepares: Array.from({ length: 2 * f }, (_, i) => seal(i + 1, { type: 'prepare', view: 1, seq, digest })),
  });
  const checkpoint: CheckpointCertificate = {
    seq: 1000, digest, proof: Array.from({ length: 2 * f + 1 }, (_, i) => seal(i, { type: 'checkpoint', seq: 1000, digest })),
  };
  const viewChanges = Array.from({ length: 2 * f + 1 }, (_, from): Envelope<ViewChange> => seal(from, {
    type: 'view-change', view: 2, checkpoint, prepared: Array.from({ length: logWindow }, (_, i) => certificate(1001 + i)),
  }));
  return seal(2, { type: 'new-view', view: 2, viewChanges, prePrepares: Array.from({ length: logWindow }, (_, i) => prePrepare(1001 + i)) });
}

describe('linkFrameLimit: the largest legitimate replica-link frame (issue 17)', () => {
  it('holds the largest NEW-VIEW and pre-prepare the protocol settings allow, with little to spare', () => {
    const settings = { ...DEFAULT_TIMING, n: 4 };
    const limit = linkFrameLimit(settings);
    const newView = encodeValue(worstNewView(4, settings.batchMaxCount, settings.batchMaxBytes, settings.logWindow)).byteLength;
    expect(newView).toBeLessThanOrEqual(limit);
    // Tight, not a ceiling in disguise: within 20 % of the real worst case, and far below 64 MiB.
    expect(limit).toBeLessThan(newView * 1.2);
    expect(limit).toBeLessThan(LINK_FRAME_BYTES / 4);
  });

  it('grows with the batch size and the replica count, up to the 64 MiB ceiling the runtime defaults reach', () => {
    const small = linkFrameLimit({ ...DEFAULT_TIMING, n: 4 });
    expect(linkFrameLimit({ ...DEFAULT_TIMING, n: 7 })).toBeGreaterThan(small);
    expect(linkFrameLimit({ ...DEFAULT_TIMING, batchMaxBytes: 2 * DEFAULT_TIMING.batchMaxBytes, n: 4 })).toBeGreaterThan(small);
    expect(linkFrameLimit({ ...RUNTIME_TIMING, n: 4 })).toBe(LINK_FRAME_BYTES);
  });
});
