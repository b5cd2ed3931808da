import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMIT_SHA_ENV, readVersionInfo } from './version-info.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const OTHER = 'fedcba9876543210fedcba9876543210fedcba98';
let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});

/** A checkout at `root` with a package at root/pkg; returns the package.json path. */
async function checkout(files: Record<string, string>): Promise<{ root: string; packageJson: string }> {
  const root = await mkdtemp(join(tmpdir(), 'version-info-'));
  dirs.push(root);
  for (const [path, text] of Object.entries({ 'pkg/package.json': JSON.stringify({ name: 'p', version: '1.2.3' }), ...files })) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return { root, packageJson: join(root, 'pkg', 'package.json') };
}

describe('readVersionInfo', () => {
  it('reads the package version and the branch commit from a loose ref', async () => {
    const { packageJson } = await checkout({ '.git/HEAD': 'ref: refs/heads/main\n', '.git/refs/heads/main': `${SHA}\n` });
    expect(await readVersionInfo(packageJson, {})).toEqual({ CommitSHA: SHA, Version: '1.2.3' });
  });

  it('follows a detached HEAD, packed refs and a worktree\'s gitdir/commondir', async () => {
    const detached = await checkout({ '.git/HEAD': `${OTHER}\n` });
    expect((await readVersionInfo(detached.packageJson, {})).CommitSHA).toBe(OTHER);
    const packed = await checkout({ '.git/HEAD': 'ref: refs/heads/wt\n', '.git/packed-refs': `# pack-refs with: peeled\n${OTHER} refs/heads/other\n${SHA} refs/heads/wt\n` });
    expect((await readVersionInfo(packed.packageJson, {})).CommitSHA).toBe(SHA);
    const main = await checkout({ 'main/.git/refs/heads/wt': `${OTHER}\n`, 'main/.git/worktrees/wt/HEAD': 'ref: refs/heads/wt\n', 'main/.git/worktrees/wt/commondir': '../..\n' });
    const worktree = await checkout({ '.git': `gitdir: ${join(main.root, 'main/.git/worktrees/wt')}\n` });
    expect((await readVersionInfo(worktree.packageJson, {})).CommitSHA).toBe(OTHER);
  });

  it('prefers SPEEDLEDGER_COMMIT_SHA, and says unknown without a checkout or a package.json', async () => {
    const { packageJson, root } = await checkout({ '.git/HEAD': 'ref: refs/heads/main\n', '.git/refs/heads/main': `${SHA}\n` });
    expect((await readVersionInfo(packageJson, { [COMMIT_SHA_ENV]: 'build-42' })).CommitSHA).toBe('build-42');
    await rm(join(root, '.git'), { recursive: true });
    // Assumes no checkout encloses tmpdir(); one would answer for the removed .git.
    const info = await readVersionInfo(packageJson, {});
    expect(info.Version).toBe('1.2.3');
    expect(info.CommitSHA).toBe('unknown');
    expect(await readVersionInfo(join(root, 'missing', 'package.json'), {})).toEqual({ CommitSHA: 'unknown', Version: 'unknown' });
  });
});
