import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Builds the real lr-chaincode package (its own `scripts/package.mjs`) into a temp dir; a few seconds. */
export function buildLrChaincodePackage(): { readonly bytes: Buffer; readonly dir: string } {
  const lrRoot = dirname(dirname(require.resolve('@speedledger/lr-chaincode')));
  const dir = mkdtempSync(join(tmpdir(), 'peer-lr-package-'));
  execFileSync(process.execPath, [join(lrRoot, 'scripts', 'package.mjs'), '--out', dir], { stdio: 'pipe' });
  return { bytes: readFileSync(join(dir, 'lr-chaincode.tar.gz')), dir };
}
