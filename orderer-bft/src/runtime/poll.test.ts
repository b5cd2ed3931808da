import { describe, expect, it } from 'vitest';
import { pollUntil, waitFor } from './poll.js';

describe('polling', () => {
  it('returns the first value, counting throws and undefined as "not yet"', async () => {
    let calls = 0;
    const probe = async (): Promise<number | undefined> => {
      calls += 1;
      if (calls === 1) throw new Error('not listening');
      return calls === 2 ? undefined : calls;
    };
    expect(await pollUntil(probe, 5_000, 1)).toBe(3);
    calls = 0;
    expect(await waitFor('three calls', probe, 5_000, 1)).toBe(3);
  });

  it('gives up after the deadline: undefined, or an error naming what and the last failure', async () => {
    expect(await pollUntil(async () => undefined, 20, 5)).toBeUndefined();
    await expect(waitFor('the peer', async () => {
      throw new Error('ECONNREFUSED');
    }, 20, 5)).rejects.toThrow(/waiting for the peer \(Error: ECONNREFUSED\)/);
  });

  it('probes once even with no time left', async () => {
    let calls = 0;
    expect(await pollUntil(async () => (calls += 1), 0)).toBe(1);
  });
});
