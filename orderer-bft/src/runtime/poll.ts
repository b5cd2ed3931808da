/**
 * Polls `probe` every `intervalMs` until it yields a value (a throw counts as "not yet") or
 * `timeoutMs` passes; then resolves undefined. The probe runs at least once, also after the deadline.
 */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250): Promise<T | undefined> {
  return (await poll(probe, timeoutMs, intervalMs)).value;
}

/**
 * As {@link pollUntil}, but a timeout rejects with an error naming `what` was awaited and the
 * probe's last failure, so a slow machine fails with a readable message.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 200): Promise<T> {
  const { value, last } = await poll(probe, timeoutMs, intervalMs);
  if (value !== undefined) return value;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? '' : ` (${String(last)})`}`);
}

async function poll<T>(probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs: number): Promise<{ value?: T; last?: unknown }> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (true) {
    try {
      const value = await probe();
      if (value !== undefined) return { value };
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) return { last };
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
