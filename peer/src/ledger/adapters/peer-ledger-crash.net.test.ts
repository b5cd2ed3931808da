import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleScript } from '../test-support/bundle-script.js';
import { snapshot, workloadBlocks } from '../test-support/workload.js';
import { PeerLedger } from './peer-ledger.js';

const SEED = 7;
const BLOCKS = 100_000;

/** Runs the writer child until it reports `atLeast` committed blocks, then kills it with SIGKILL. */
function runAndKill(script: string, dir: string, atLeast: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, dir, String(SEED), String(BLOCKS)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let reported = 0;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      const heights = [...chunk.toString().matchAll(/committed (\d+)/g)].map((m) => Number(m[1]));
      reported = Math.max(reported, ...heights);
      if (reported >= atLeast && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    child.once('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(reported) : reject(new Error(`writer exited ${code}: ${stderr}`))));
  });
}

describe('PeerLedger after kill -9 in the middle of committing', { timeout: 120_000 }, () => {
  let script: string;
  let dir: string;

  beforeAll(async () => {
    script = await bundleScript(join(dirname(fileURLToPath(import.meta.url)), '..', 'test-support', 'crash-writer.ts'), 'crash-writer');
    dir = await mkdtemp(join(tmpdir(), 'peer-ledger-crash-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(script, { force: true });
  });

  it('reopens at a consistent height whose state equals a clean replay of that many blocks, and resumes', async () => {
    let last = 0;
    for (const target of [30, 60]) {
      const reported = await runAndKill(script, dir, target);
      const ledger = await PeerLedger.open(dir, { channelId: 'speedledger' });
      const height = ledger.height();
      // Everything the child reported is durable (sync batches); at most one more may have landed.
      expect(height).toBeGreaterThanOrEqual(reported);
      expect(height).toBeGreaterThan(last);
      last = height;

      const cleanDir = await mkdtemp(join(tmpdir(), 'peer-ledger-clean-'));
      const clean = await PeerLedger.open(cleanDir, { channelId: 'speedledger' });
      const txIds: string[] = [];
      try {
        for (const { block, validation } of workloadBlocks(SEED, height)) {
          txIds.push(...validation.transactions.map((t) => t.txId));
          await clean.commit(block, validation);
        }
        expect(await snapshot(ledger, txIds)).toEqual(await snapshot(clean, txIds));
      } finally {
        await clean.close();
        await ledger.close();
        await rm(cleanDir, { recursive: true, force: true });
      }
    }
  });
});
