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
    // Thresholds far above what a busy test machine's scheduler delays (a 300 ms threshold turned
    // red on its own while other suites loaded both cores), far below the stall it must see.
    watchdog = new EventLoopWatchdog({ stallMs: 1000, windowMs: 2000, abortAfterMs: 0, logFd: -1 });
    await sleep(400);
    expect(watchdog.health()).toMatchObject({ ok: true });
    blockLoop(1600);
    await sleep(50);
    const red = watchdog.health();
    expect(red.ok).toBe(false);
    expect(red.maxDelayMs).toBeGreaterThanOrEqual(1000);
    expect(red.detail).toMatch(/event loop stalled \d+ ms/);
    await sleep(3000);
    expect(watchdog.health().ok).toBe(true);
  }, 15_000);
});
