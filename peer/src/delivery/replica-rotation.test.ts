import { describe, expect, it } from 'vitest';
import { ReplicaRotation } from './replica-rotation.js';

const options = { replicas: 3, baseBackoffMs: 100, maxBackoffMs: 1000, stallTimeoutMs: 500 };

describe('ReplicaRotation', () => {
  it('stays on a working replica and moves to the next one after a failure', () => {
    const rotation = new ReplicaRotation(options);
    expect(rotation.choose(0)).toEqual({ replica: 0 });
    rotation.onBlock(0, 10);
    expect(rotation.choose(20)).toEqual({ replica: 0 });
    expect(rotation.onFailure(0, 'STREAM_FAILED', 30)).toEqual({ from: 0, reason: 'STREAM_FAILED', failures: 1, backoffMs: 100 });
    expect(rotation.choose(30)).toEqual({ replica: 1 });
    rotation.onFailure(1, 'BLOCK_REFUSED_SIGNATURES', 30);
    expect(rotation.choose(30)).toEqual({ replica: 2 });
  });

  it('backs a replica off exponentially up to the cap, and forgets after a good block', () => {
    const rotation = new ReplicaRotation({ ...options, replicas: 1 });
    const backoffs = [1, 2, 3, 4, 5, 6].map(() => rotation.onFailure(0, 'CONNECTION_FAILED', 0).backoffMs);
    expect(backoffs).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(rotation.choose(999)).toEqual({ waitMs: 1 });
    expect(rotation.choose(1000)).toEqual({ replica: 0 });
    rotation.onBlock(0, 1000);
    expect(rotation.onFailure(0, 'STALLED', 1000).backoffMs).toBe(100);
  });

  it('when every replica backs off, waits for the first to be free', () => {
    const rotation = new ReplicaRotation(options);
    rotation.choose(0);
    rotation.onFailure(0, 'CONNECTION_FAILED', 0);
    rotation.onFailure(1, 'CONNECTION_FAILED', 50);
    rotation.onFailure(1, 'CONNECTION_FAILED', 50);
    rotation.onFailure(2, 'CONNECTION_FAILED', 20);
    expect(rotation.choose(60)).toEqual({ waitMs: 40 });
    expect(rotation.choose(100)).toEqual({ replica: 0 });
  });

  it('probes after the stall timeout of silence, and calls a stall only if another replica is ahead', () => {
    const rotation = new ReplicaRotation(options);
    rotation.choose(0);
    expect(rotation.shouldProbe(499)).toBe(false);
    expect(rotation.shouldProbe(500)).toBe(true);
    rotation.onBlock(0, 600);
    expect(rotation.shouldProbe(1000)).toBe(false);
    expect(rotation.isStalled(7, [undefined, 7])).toBe(false);
    expect(rotation.isStalled(7, [undefined, 8])).toBe(true);
    rotation.onActivity(2000);
    expect(rotation.shouldProbe(2400)).toBe(false);
  });

  it('refuses impossible settings', () => {
    expect(() => new ReplicaRotation({ ...options, replicas: 0 })).toThrow(RangeError);
    expect(() => new ReplicaRotation({ ...options, maxBackoffMs: 10 })).toThrow(RangeError);
    expect(() => new ReplicaRotation({ ...options, stallTimeoutMs: 0 })).toThrow(RangeError);
  });
});
