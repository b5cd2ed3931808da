import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts } from '@speedledger/orderer-bft/cli';

/** The package root: `@speedledger/sensor-ingest/cli` resolves from here to the built dist. */
const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// Runs the built `ingest serve` exactly as the speedledger CLI would, without depending on the cli package.
const ENTRY = `
const { commands } = await import('@speedledger/sensor-ingest/cli');
const serve = commands.find((c) => c.path.join(' ') === 'ingest serve');
process.exitCode = await serve.run(process.argv.slice(1), { stdout: process.stdout, stderr: process.stderr });
`;

/** `ingest serve` as a real child process (so a test can kill -9 it). */
export interface ServeProcess {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** stdout + stderr so far (pino JSON lines). */
  output(): string;
  /** kill -9; resolves when it is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful drain); resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `speedledger ingest serve ARGS --listen 127.0.0.1:PORT` (a free port unless given) from
 * the built package and waits until /healthz answers.
 */
export async function startServe(args: readonly string[], port?: number): Promise<ServeProcess> {
  const listenPort = port ?? (await freePorts(1, '127.0.0.1'))[0]!;
  const child = spawn(process.execPath, ['--input-type=module', '-e', ENTRY, '--', ...args, '--listen', `127.0.0.1:${listenPort}`], {
    cwd: PACKAGE_DIR, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env },
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const url = `http://127.0.0.1:${listenPort}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ingest serve exited ${child.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`ingest serve did not come up within 180 s:\n${out}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url, port: listenPort, process: child, output: () => out,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
  };
}
