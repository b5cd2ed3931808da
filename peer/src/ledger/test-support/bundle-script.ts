import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const peerDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Bundles a TypeScript test script into one ESM file a child `node` can run (packages stay
 * external and resolve from the peer package), so crash tests exercise the source under test
 * without a full package build.
 */
export async function bundleScript(entry: string, name: string): Promise<string> {
  const outDir = join(peerDir, 'node_modules', '.cache', 'speedledger-test-scripts');
  await mkdir(outDir, { recursive: true });
  const outfile = join(outDir, `${name}-${process.pid}.mjs`);
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' });
  return outfile;
}
