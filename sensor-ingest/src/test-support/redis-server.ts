import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '@speedledger/orderer-bft/cli';
import { Redis } from 'ioredis';
import { redisServerArgs } from '../runtime/redis-config.js';

/** Where the tests find redis-server. */
export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

/** A real redis-server on its own port with its data in a temp dir. */
export interface LiveRedis {
  readonly port: number;
  readonly dir: string;
  readonly url: string;
  process: ChildProcess;
  output: string;
  /** A new client (the caller closes it). */
  client(): Redis;
  /** kill -9 (the AOF stays). */
  kill(): Promise<void>;
  /** Starts it again on the same port and dir (after {@link kill}). */
  restart(): Promise<void>;
  /** Stops it and removes the dir. */
  stop(): Promise<void>;
}

/** Why Redis tests cannot run here, or undefined. */
export function redisMissing(): string | undefined {
  return existsSync(REDIS_SERVER) ? undefined : `${REDIS_SERVER} not installed (apt-get install -y redis-server)`;
}

async function waitForPing(port: number, proc: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited ${proc.exitCode}:\n${output()}`);
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    // Refused connections while it starts are expected; connect() reports them.
    client.on('error', () => undefined);
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return;
    } catch {
      // not listening yet
    } finally {
      client.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server on ${port} did not answer PING within 10 s:\n${output()}`);
}

/** Starts redis-server with the durable settings (AOF, fsync always) unless `settings` override them. */
export async function startRedis(settings: Record<string, string> = {}): Promise<LiveRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'sensor-ingest-redis-'));
  const [port] = await freePorts(1, '127.0.0.1');
  const args = redisServerArgs({ port: port!, dir, settings });
  const live: LiveRedis = {
    port: port!, dir, url: `redis://127.0.0.1:${port}`, output: '',
    process: undefined as unknown as ChildProcess,
    client: () => new Redis({ port: port!, host: '127.0.0.1', maxRetriesPerRequest: null }),
    async kill() {
      const proc = live.process;
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await exited;
    },
    async restart() {
      await live.kill();
      await launch();
    },
    async stop() {
      await live.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
  async function launch(): Promise<void> {
    const proc = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    live.process = proc;
    proc.stdout!.on('data', (chunk: Buffer) => (live.output += chunk.toString()));
    proc.stderr!.on('data', (chunk: Buffer) => (live.output += chunk.toString()));
    await waitForPing(port!, proc, () => live.output);
  }
  await launch();
  return live;
}
