import { afterEach, describe, expect, it } from 'vitest';
import { EventLoopWatchdog } from './event-loop-watchdog.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function blockLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // Spin: the event loop cannot turn, as in issue 17's endless decoder loop.
  }
}

describe('EventLoopWatchdog', () => {
  let watchdog: EventLoopWatchdog | undefined;
  afterEach(async () => {
    await watchdog?.stop();
    watchdog = undefined;
  });

  it('is green while the loop turns and red (with the stall length) for a while after it stalled', async () => {
    watchdog = new EventLoopWatchdog({ stallMs: 300, windowMs: 1500, abortAfterMs: 0, logFd: -1 });
    await sleep(700);
    expect(watchdog.health()).toMatchObject({ ok: true });
    blockLoop(700);
    await sleep(50);
    const red = watchdog.health();
    expect(red.ok).toBe(false);
    expect(red.maxDelayMs).toBeGreaterThanOrEqual(300);
    expect(red.detail).toMatch(/event loop stalled \d+ ms/);
    await sleep(2500);
    expect(watchdog.health().ok).toBe(true);
  }, 10_000);
});
