import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What `GET /version` answers, with Fabric's field names. */
export interface VersionInfo {
  readonly CommitSHA: string;
  readonly Version: string;
}

/** Overrides the commit read from the checkout (a build or deployment that knows it better). */
export const COMMIT_SHA_ENV = 'SPEEDLEDGER_COMMIT_SHA';

/**
 * The version of the package whose `package.json` is at `packageJson`, and the commit of the
 * checkout it runs from: `SPEEDLEDGER_COMMIT_SHA` if set, else read once from the enclosing git
 * directory's files (worktrees and packed refs included; git itself is never run), else
 * `unknown` (an installed package, a tarball). Called at start-up, never per request.
 */
export async function readVersionInfo(packageJson: URL | string, env: NodeJS.ProcessEnv = process.env): Promise<VersionInfo> {
  const path = typeof packageJson === 'string' ? packageJson : fileURLToPath(packageJson);
  let version = 'unknown';
  try {
    version = (JSON.parse(await readFile(path, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    // A missing or unreadable package.json leaves the version unknown; it must not stop a node.
  }
  const fromEnv = env[COMMIT_SHA_ENV]?.trim();
  const commit = fromEnv !== undefined && fromEnv !== '' ? fromEnv : await checkoutCommit(dirname(path));
  return { CommitSHA: commit ?? 'unknown', Version: version };
}

async function checkoutCommit(start: string): Promise<string | undefined> {
  try {
    const gitDir = await findGitDir(start);
    if (gitDir === undefined) return undefined;
    const head = (await readFile(join(gitDir, 'HEAD'), 'utf8')).trim();
    if (!head.startsWith('ref: ')) return isSha(head) ? head : undefined;
    const ref = head.slice(5);
    // A worktree keeps HEAD in its own directory and branches in the common one.
    const common = await readFile(join(gitDir, 'commondir'), 'utf8').then((text) => resolve(gitDir, text.trim()), () => gitDir);
    for (const dir of [gitDir, common]) {
      const loose = await readFile(join(dir, ref), 'utf8').then((text) => text.trim(), () => undefined);
      if (loose !== undefined && isSha(loose)) return loose;
    }
    const packed = await readFile(join(common, 'packed-refs'), 'utf8').catch(() => '');
    const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`));
    const sha = line?.split(' ')[0];
    return sha !== undefined && isSha(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}

async function findGitDir(start: string): Promise<string | undefined> {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, '.git');
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isDirectory() === true) return candidate;
    if (info?.isFile() === true) {
      const pointer = (await readFile(candidate, 'utf8')).trim();
      if (!pointer.startsWith('gitdir: ')) return undefined;
      const target = pointer.slice(8);
      return isAbsolute(target) ? target : resolve(dir, target);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function isSha(text: string): boolean {
  return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(text);
}
