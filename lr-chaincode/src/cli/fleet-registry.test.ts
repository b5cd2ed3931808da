import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseFleetRegistry } from './fleet-registry.js';

const publicKeyHex = readFileSync(fileURLToPath(new URL('../../test-vectors/dlr1/pubkey.hex', import.meta.url)), 'utf8').trim();
const site = { spacingMm: 3600, loopLengthMm: 1800, sampleRateHz: 1000, speedLimitKmh: 60, location: 'Av. Paulista' };
const fleet = (meters: unknown[]): string => JSON.stringify({ format: 'speedledger-fleet/1', meters });

describe('parseFleetRegistry', () => {
  it('indexes every meter by id with its parsed key and registered site', () => {
    const registry = parseFleetRegistry(fleet([{ meterId: 'SP-VEC-0001', publicKeyHex, site }, { meterId: 'SP-2', publicKeyHex, site: { ...site, spacingMm: 3550 } }]));
    if (Array.isArray(registry)) throw new Error(registry.join('; '));
    expect([...registry.keys()]).toEqual(['SP-VEC-0001', 'SP-2']);
    expect(registry.get('SP-2')!.site.spacingMm).toBe(3550);
    expect(registry.get('SP-VEC-0001')!.key.hex).toBe(publicKeyHex.toLowerCase());
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['no meters array', '{"meters":{}}', /no "meters" array/],
    ['a meter without id', fleet([{ publicKeyHex, site }]), /meters\[0\]: meterId is not a string/],
    ['a meter listed twice', fleet([{ meterId: 'A', publicKeyHex, site }, { meterId: 'A', publicKeyHex, site }]), /meter A: listed twice/],
    ['a key that is not a point', fleet([{ meterId: 'A', publicKeyHex: `04${'11'.repeat(64)}`, site }]), /meter A: public key is not a point/],
    ['an invalid site', fleet([{ meterId: 'A', publicKeyHex, site: { ...site, spacingMm: -1 } }]), /meter A: spacingMm/],
  ])('refuses %s with the problem named', (_name, text, problem) => {
    const result = parseFleetRegistry(text);
    expect(Array.isArray(result)).toBe(true);
    expect((result as string[]).join('\n')).toMatch(problem);
  });
});
