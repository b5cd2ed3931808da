import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPackage, packageDir } from './test-support/live-replicas.js';

describe('EventLoopWatchdog in a real process', () => {
  beforeAll(() => buildPackage(), 120_000);

  it('kills a process whose event loop stays stuck (SIGKILL) after logging the stall from its watchdog thread', async () => {
    const module = join(packageDir, 'dist/runtime/event-loop-watchdog.js');
    const script = `
      import { EventLoopWatchdog } from ${JSON.stringify(module)};
      new EventLoopWatchdog({ stallMs: 300, abortAfterMs: 1500 });
      setTimeout(() => { process.stdout.write('spinning\\n'); for (;;) {} }, 300);
    `;
    const started = Date.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.on('exit', (code, signal) => {
        clearTimeout(guard);
        resolve({ code, signal });
      });
    });
    const elapsed = Date.now() - started;
    expect(output).toContain('spinning');
    expect(output).toContain('"event":"event-loop-stalled"');
    expect(output).toContain('"event":"event-loop-stuck-killing-process"');
    expect(exit.signal).toBe('SIGKILL');
    expect(elapsed).toBeLessThan(10_000);
  }, 30_000);
});
