/**
 * The `ordering` scenario: orderer-bft alone in Fabric mode (signed 1 KB envelopes, MSP
 * validation), N replicas, through orderer-bft's own `bench:cluster` script (its replica
 * processes, Broadcast client and Deliver follower), read back from the JSON line it prints.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** What one `bench:cluster --json` run printed. */
export interface OrderingRun {
  readonly bench: 'orderer-cluster';
  readonly replicas: number;
  readonly envelopesPerSecond: number;
  readonly sent: number;
  readonly delivered: number;
  readonly undelivered: number;
  readonly refused: number;
  readonly seconds: number;
  readonly latencyMs: { readonly p50: number | null; readonly p90: number | null; readonly p95: number | null; readonly p99: number | null; readonly max: number | null };
  readonly loadAfter: readonly number[];
}

/** orderer-bft's built bench script. */
export function benchClusterScript(): string {
  const entry = createRequire(import.meta.url).resolve('@speedledger/orderer-bft');
  return join(dirname(entry), 'runtime', 'bench-cluster.js');
}

/** Picks the `orderer-cluster` JSON line out of the script's output; throws if there is none. */
export function parseOrderingOutput(stdout: string): OrderingRun {
  for (const line of stdout.split('\n').reverse()) {
    if (!line.startsWith('{')) continue;
    const value = JSON.parse(line) as { bench?: string };
    if (value.bench === 'orderer-cluster') return value as OrderingRun;
  }
  throw new Error('bench:cluster printed no JSON line (orderer-bft built before --json existed? rebuild it: npx turbo run build --filter=@speedledger/orderer-bft)');
}

/** Runs the cluster bench once with N replicas (rate 0 = unpaced); rejects on a non-zero exit. */
export async function runOrdering(replicas: number, seconds: number, rate: number, log: (line: string) => void): Promise<OrderingRun> {
  const args = [benchClusterScript(), '--fabric', '--json', '--replicas', String(replicas), '--seconds', String(seconds), '--rate', String(rate)];
  log(`node ${args.join(' ')}`);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  for (const line of stdout.split('\n')) if (line !== '' && !line.startsWith('{')) log(`  ${line}`);
  if (code !== 0) throw new Error(`bench:cluster --replicas ${replicas} exited ${code}: ${stderr.split('\n').slice(-8).join('\n')}`);
  return parseOrderingOutput(stdout);
}
