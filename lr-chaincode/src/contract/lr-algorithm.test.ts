import { describe, expect, it } from 'vitest';
import { LR_ALGORITHM_V1_1_0, LR_ALGORITHM_V1_2_0, measureSpeed } from '../core/index.js';
import { generatePass } from '../core/test-support/loop-signal-generator.js';
import { LR_SPEED_ALGORITHM, speedAlgorithmFor } from './lr-algorithm.js';

const site = { spacingMm: 3600, loopLengthMm: 1800, sampleRateHz: 1000, speedLimitKmh: 60, location: 'test site' };

describe('LR speed algorithms of the chaincode', () => {
  it('computes new records with 1.2.0 and keeps 1.1.0 executable by name', () => {
    expect(LR_SPEED_ALGORITHM.version).toBe(LR_ALGORITHM_V1_2_0);
    const old = speedAlgorithmFor(LR_ALGORITHM_V1_1_0)!;
    expect(old.version).toBe(LR_ALGORITHM_V1_1_0);
    expect(speedAlgorithmFor('dlr1-speed/0.9.0')).toBeUndefined();
    // A stop over the loops: 1.1.0 said LOW_CORRELATION, 1.2.0 says NON_CONSTANT_SPEED; each
    // registered algorithm gives exactly what its core version gives.
    for (let seed = 1; seed <= 40; seed++) {
      const pass = generatePass({ seed, cls: 'van', speedKmh: 30, stopAtM: 2, stopSeconds: 0.6 });
      expect(old.measure(pass, site)).toEqual(measureSpeed(pass, site, LR_ALGORITHM_V1_1_0));
      expect(LR_SPEED_ALGORITHM.measure(pass, site)).toEqual(measureSpeed(pass, site, LR_ALGORITHM_V1_2_0));
    }
  });
});
