import { describe, expect, it } from 'vitest';
import { decideHandoff, retryAfterMs } from './meter-retry.js';

const NOW = Date.parse('2026-03-02T10:30:00Z');

describe('a meter handing off one reading', () => {
  it('forgets the reading on a receipt', () => {
    expect(decideHandoff({ kind: 'http', status: 202 }, 1, 0.3, NOW)).toEqual({ action: 'accepted' });
  });

  it('drops a reading the API refused for good, with the API code', () => {
    expect(decideHandoff({ kind: 'http', status: 400, code: 'BAD_SIGNATURE' }, 1, 0, NOW)).toEqual({ action: 'refused', code: 'BAD_SIGNATURE' });
    expect(decideHandoff({ kind: 'http', status: 409, code: 'SEQ_CONFLICT' }, 1, 0, NOW)).toEqual({ action: 'refused', code: 'SEQ_CONFLICT' });
    expect(decideHandoff({ kind: 'http', status: 415 }, 1, 0, NOW)).toEqual({ action: 'refused', code: 'HTTP_415' });
  });

  it('keeps a throttled reading for Retry-After, spread by up to half of it', () => {
    expect(decideHandoff({ kind: 'http', status: 429, retryAfter: '2' }, 1, 0, NOW)).toEqual({ action: 'retry', delayMs: 2000, cause: 'THROTTLED' });
    expect(decideHandoff({ kind: 'http', status: 429, retryAfter: '2' }, 1, 0.999, NOW)).toMatchObject({ delayMs: 2999 });
    expect(decideHandoff({ kind: 'http', status: 503, retryAfter: new Date(NOW + 5000).toUTCString() }, 1, 0, NOW)).toEqual({ action: 'retry', delayMs: 5000, cause: 'UNAVAILABLE' });
    expect(decideHandoff({ kind: 'http', status: 429 }, 1, 0, NOW)).toMatchObject({ delayMs: 1000 });
  });

  it('backs off exponentially with jitter after network errors and 5xx, capped', () => {
    const delays = [1, 2, 3, 4].map((a) => (decideHandoff({ kind: 'network', detail: 'ECONNREFUSED' }, a, 0, NOW) as { delayMs: number }).delayMs);
    expect(delays).toEqual([125, 250, 500, 1000]);
    expect(decideHandoff({ kind: 'network', detail: 'x' }, 40, 0.999, NOW)).toMatchObject({ delayMs: 29_985, cause: 'NETWORK' });
    expect(decideHandoff({ kind: 'http', status: 500 }, 1, 0, NOW)).toMatchObject({ action: 'retry', cause: 'HTTP_500' });
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterMs('3', NOW)).toBe(3000);
    expect(retryAfterMs(new Date(NOW - 1000).toUTCString(), NOW)).toBe(0);
    expect(retryAfterMs('soon', NOW)).toBeUndefined();
    expect(retryAfterMs(undefined, NOW)).toBeUndefined();
  });
});
