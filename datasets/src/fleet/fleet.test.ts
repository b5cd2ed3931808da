import { isValidMeterId, siteParameterProblems } from '@speedledger/lr-chaincode/core';
import { describe, expect, it } from 'vitest';
import { deriveMeterSigner } from '../dlr1/meter-signer.js';
import { createFleet, meterIdOf } from './fleet.js';

describe('createFleet', () => {
  const { fleet, meters } = createFleet(42, 40, 1000);

  it('registers valid sites under valid, distinct ids with the derived keys', () => {
    expect(fleet.format).toBe('speedledger-fleet/1');
    expect(fleet.meters).toHaveLength(40);
    expect(new Set(fleet.meters.map((m) => m.meterId)).size).toBe(40);
    for (const m of fleet.meters) {
      expect(isValidMeterId(m.meterId)).toBe(true);
      expect(siteParameterProblems(m.site)).toEqual([]);
      expect(m.publicKeyHex).toBe(deriveMeterSigner(42, m.meterId).publicKeyHex);
      expect([40, 50, 60, 70, 80, 90]).toContain(m.site.speedLimitKmh);
      expect(m.site.location).toMatch(/São Paulo/);
      expect(m.site.sampleRateHz).toBe(1000);
    }
    expect(meterIdOf(0)).toBe('SP-000001');
  });

  it('registers the surveyed spacing rounded to 1 mm and hides the rest of the physics', () => {
    for (const m of meters) {
      expect(m.registered.site.spacingMm).toBe(Math.round(m.physics.spacingM * 1000));
      expect(Math.abs(m.physics.spacingM - 3.6)).toBeLessThanOrEqual(0.04);
      expect(m.physics.loopA.gain).toBeGreaterThanOrEqual(0.85);
      expect(m.physics.loopA.gain).toBeLessThanOrEqual(1.15);
    }
    const json = JSON.stringify(fleet);
    expect(json).not.toMatch(/gain|fringe|baseline|noise/);
    expect(new Set(fleet.meters.map((m) => m.site.speedLimitKmh)).size).toBeGreaterThan(2);
  });

  it('is deterministic in the seed', () => {
    expect(createFleet(42, 5, 1000).fleet).toEqual(createFleet(42, 5, 1000).fleet);
    expect(createFleet(43, 5, 1000).fleet).not.toEqual(createFleet(42, 5, 1000).fleet);
  });

  it('rejects a bad meter count', () => {
    expect(() => createFleet(1, 0, 1000)).toThrow(RangeError);
    expect(() => createFleet(1, 1.5, 1000)).toThrow(RangeError);
  });
});
