import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  it('does not take a wall-clock step for a stall: a turning loop survives the clock jumping 40 s forward', async () => {
    const module = join(packageDir, 'dist/runtime/event-loop-watchdog.js');
    // Steps the watchdog thread's wall clock 40 s forward after 800 ms, as NTP or a VM's time
    // sync does; stepping it in that thread only makes the step always land between a heartbeat
    // and the next check, the case that killed a healthy peer in the sensor-ingest fault suite.
    const dir = mkdtempSync(join(tmpdir(), 'watchdog-clock-'));
    const preload = join(dir, 'step-clock.mjs');
    writeFileSync(preload, `
      import { isMainThread } from 'node:worker_threads';
      if (!isMainThread) {
        const real = Date.now;
        const start = real();
        Date.now = () => real() + (real() - start > 800 ? 40_000 : 0);
      }
    `);
    const script = `
      import { EventLoopWatchdog } from ${JSON.stringify(module)};
      import { Worker } from 'node:worker_threads';
      const watchdog = new EventLoopWatchdog({ stallMs: 300, abortAfterMs: 1500 });
      // Proves the preload steps a worker's clock (else the test could not fail).
      const probe = new Worker('const t = Date.now(); setTimeout(() => process.stdout.write(" step " + (Date.now() - t) + " "), 1200)', { eval: true });
      await new Promise((resolve) => probe.on('exit', resolve));
      setTimeout(async () => { await watchdog.stop(); process.stdout.write(' alive '); }, 2500);
    `;
    try {
      const child = spawn(process.execPath, ['--import', preload, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.on('exit', (code, signal) => {
          clearTimeout(guard);
          resolve({ code, signal });
        });
      });
      expect(output).not.toContain('"event":"event-loop-stalled"');
      const step = Number(/step (\d+)/.exec(output)?.[1]);
      expect(step, output).toBeGreaterThanOrEqual(40_000);
      expect(output).toContain('alive');
      expect(exit).toEqual({ code: 0, signal: null });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
