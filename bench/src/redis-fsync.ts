/**
 * What "202 only after fsync" costs: redis-server with the ingest tier's settings under each
 * appendfsync policy (always = what the API requires, everysec, no), loaded by redis-benchmark
 * with SETs the size of a reading, from 1 and from 50 clients. Rerunnable; figures depend on the
 * disk's fsync latency far more than on the CPU.
 *
 *   npm run bench:redis-fsync -w bench [-- --requests 2000 --size 3000 --clients 1,50]
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { freePorts } from '@speedledger/orderer-bft/cli';
import { redisServerArgs } from '@speedledger/sensor-ingest';
import { machineLine } from './harness.js';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '2000' },
    size: { type: 'string', default: '3000' },
    clients: { type: 'string', default: '1,50' },
    policies: { type: 'string', default: 'always,everysec,no' },
  },
  strict: true,
});

async function ping(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const { stdout } = await run('redis-cli', ['-p', String(port), 'ping']);
      if (stdout.trim() === 'PONG') return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

console.log(machineLine());
console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${values.requests} SETs of ${values.size} bytes per run`);
const rows: Record<string, string | number>[] = [];
for (const policy of values.policies!.split(',')) {
  const dir = await mkdtemp(join(tmpdir(), `bench-fsync-${policy}-`));
  const [port] = await freePorts(1, '127.0.0.1');
  const server = spawn('redis-server', redisServerArgs({ port: port!, dir, settings: { appendfsync: policy } }), { stdio: 'ignore' });
  try {
    await ping(port!);
    for (const clients of values.clients!.split(',')) {
      const { stdout } = await run('redis-benchmark', ['-p', String(port), '-t', 'set', '-d', values.size!, '-n', values.requests!, '-c', clients, '-r', '100000', '--csv']);
      // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
      const line = stdout.trim().split('\n').find((l) => l.startsWith('"SET"'));
      const cells = (line ?? '').split(',').map((c) => c.replace(/"/g, ''));
      const row = { appendfsync: policy, clients: Number(clients), writesPerS: Math.round(Number(cells[1])), p50Ms: Number(cells[4]), p99Ms: Number(cells[6]) };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  } finally {
    server.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await rm(dir, { recursive: true, force: true });
  }
}
console.log('\n| appendfsync | clients | writes/s | p50 ms | p99 ms |\n|---|---|---|---|---|');
for (const r of rows) console.log(`| \`${r.appendfsync}\` | ${r.clients} | ${Number(r.writesPerS).toLocaleString('en-US')} | ${r.p50Ms} | ${r.p99Ms} |`);
