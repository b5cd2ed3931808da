import { setTimeout as delay } from 'node:timers/promises';

/** The process's wall clock and timer, for {@link createReadingStream} outside tests. */
export const realClock = {
  clock: (): number => Date.now(),
  sleep: (ms: number): Promise<void> => delay(ms).then(() => undefined),
};
