import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ledger } from '@speedledger/peer';
import { afterEach, describe, expect, it } from 'vitest';
import { runAudit } from '../audit/run-audit.js';
import { blockStoreSource } from './block-sources.js';

describe('blockStoreSource (offline audit source)', () => {
  const dirs: string[] = [];
  const fresh = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'analytics-block-store-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('refuses a directory that holds no LevelDB, and creates nothing there', async () => {
    const dir = await fresh();
    await expect(blockStoreSource(dir)).rejects.toMatchObject({ code: 'SOURCE_FAILED', message: expect.stringContaining('no block store') });
    expect(await readdir(dir)).toEqual([]);
    await expect(blockStoreSource(join(dir, 'absent'))).rejects.toMatchObject({ code: 'SOURCE_FAILED' });
  });

  it("opens a peer's data directory through its ledger/ (or the ledger directory itself); an empty ledger audits as NO_BLOCKS, never as passed", async () => {
    const dir = await fresh();
    const created = await ledger.PeerLedger.open(join(dir, 'ledger'), { channelId: 'speedledger' });
    await created.close();
    for (const given of [dir, join(dir, 'ledger')]) {
      const source = await blockStoreSource(given);
      try {
        const report = await runAudit({ blocks: source.blocks(0), packages: [] });
        expect(report.findings.map((f) => [f.code, f.severity])).toEqual([['NO_BLOCKS', 'critical']]);
        expect(report.passed).toBe(false);
      } finally {
        await source.close();
      }
    }
  });
});
