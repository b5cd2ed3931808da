import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../poll.js';

/** The orderer-bft package directory (the live tests run its built CLI). */
export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** One replica process of a live test cluster and everything it printed. */
export interface LiveReplica {
  config: string;
  grpc: string;
  metrics: string;
  process?: ChildProcess;
  output: string;
}

/**
 * Compiles the package so the spawned processes run the code under test, not a stale `dist/`.
 */
export function buildPackage(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(packageDir, 'tsconfig.build.json')], { cwd: packageDir, stdio: 'inherit' });
}

export { waitFor };

/** Starts `speedledger orderer start --config …` for `replica`, collecting its output. */
export function spawnReplica(replica: LiveReplica, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  replica.output = '';
  const child = spawn(process.execPath, [join(packageDir, 'dist/cli/main.js'), 'orderer', 'start', '--config', replica.config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  child.stdout!.on('data', (chunk: Buffer) => (replica.output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (replica.output += chunk.toString()));
  replica.process = child;
  return child;
}

/** Resolves once the replica logged that it listens. */
export function waitUntilListening(replica: LiveReplica, label: string): Promise<true> {
  return waitFor(`${label} to listen`, async () => (replica.output.includes('"event":"listening"') ? true : undefined), 15_000);
}
