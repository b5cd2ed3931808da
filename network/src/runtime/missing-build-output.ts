import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Why an embedded network cannot be started from this installation — the build output it needs
 * (peer and orderer CLIs, the chaincode package) named with the command that makes it — or
 * undefined when it can. Live tests in any package skip (or, under CI, fail) on this.
 */
export function missingBuildOutput(): string | undefined {
  const require = createRequire(import.meta.url);
  const checks: [string, () => string][] = [
    ['peer CLI (npm run build -w @speedledger/peer)', () => join(dirname(require.resolve('@speedledger/peer')), 'cli', 'main.js')],
    ['orderer CLI (npm run build -w @speedledger/orderer-bft)', () => join(dirname(require.resolve('@speedledger/orderer-bft')), 'cli', 'main.js')],
    ['chaincode package (npm run package -w @speedledger/lr-chaincode)', () => join(dirname(require.resolve('@speedledger/lr-chaincode')), '..', 'build', 'lr-chaincode.tar.gz')],
  ];
  for (const [what, path] of checks) {
    try {
      if (!existsSync(path())) return what;
    } catch {
      return what;
    }
  }
  return undefined;
}
