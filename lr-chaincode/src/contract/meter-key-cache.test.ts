import { describe, expect, it } from 'vitest';
import { parseMeterPublicKey } from '../core/index.js';
import { createTestMeter } from '../test-support/test-meter.js';
import { METER_KEY_CACHE_LIMIT, meterKeyCacheSize, meterPublicKey } from './meter-key-cache.js';

describe('meterPublicKey (memoised registered keys)', () => {
  it('gives what parseMeterPublicKey gives, parsing each key once', () => {
    const hex = createTestMeter('SP-CACHE-1').publicKeyHex;
    const first = meterPublicKey(hex);
    const direct = parseMeterPublicKey(hex);
    expect('keyObject' in first && 'keyObject' in direct).toBe(true);
    if (!('keyObject' in first) || !('keyObject' in direct)) return;
    expect(first.hex).toBe(direct.hex);
    expect(first.keyObject.equals(direct.keyObject)).toBe(true);
    expect(meterPublicKey(hex)).toBe(first);
  });

  it('caches refusals too and stays within its limit', () => {
    expect(meterPublicKey('zz')).toMatchObject({ reason: 'MALFORMED' });
    for (let i = 0; i < METER_KEY_CACHE_LIMIT + 10; i += 1) meterPublicKey(`04${i.toString(16).padStart(4, '0')}`);
    expect(meterKeyCacheSize()).toBe(METER_KEY_CACHE_LIMIT);
  });
});
