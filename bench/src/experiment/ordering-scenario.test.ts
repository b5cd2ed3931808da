import { describe, expect, it } from 'vitest';
import { parseOrderingOutput } from './ordering-scenario.js';

describe('parseOrderingOutput', () => {
  it('takes the orderer-cluster JSON line among the human-readable ones', () => {
    const out = ['machine: 2 × cpu', 'throughput: 900 envelopes/s', '{"bench":"orderer-cluster","replicas":7,"envelopesPerSecond":900}', ''].join('\n');
    expect(parseOrderingOutput(out)).toMatchObject({ replicas: 7, envelopesPerSecond: 900 });
  });

  it('says how to fix an orderer-bft build without the JSON line', () => {
    expect(() => parseOrderingOutput('throughput: 900 envelopes/s\n{"other":1}\n')).toThrow(/no JSON line.*rebuild/);
  });
});
