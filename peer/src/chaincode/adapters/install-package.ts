import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseChaincodePackage } from '../chaincode-package.js';
import { ChaincodeError } from '../chaincode-error.js';
import type { ArchiveLimits } from '../ustar-reader.js';

/** A package unpacked on disk, ready for {@link loadChaincode}. */
export interface InstalledPackage {
  readonly packageId: string;
  readonly label: string;
  readonly sha256: string;
  /** The directory holding `installed.json` and the code (`src/…`). */
  readonly dir: string;
}

const MARKER = 'installed.json';

/** Reads an installed package's record; PACKAGE_NOT_FOUND when `dir` holds none. */
export function readInstalledPackage(dir: string): InstalledPackage {
  let record: { packageId?: unknown; label?: unknown; sha256?: unknown };
  try {
    record = JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as typeof record;
  } catch (cause) {
    throw new ChaincodeError('PACKAGE_NOT_FOUND', `${dir} holds no installed chaincode package`, { dir }, cause);
  }
  if (typeof record.packageId !== 'string' || typeof record.label !== 'string' || typeof record.sha256 !== 'string') {
    throw new ChaincodeError('PACKAGE_MALFORMED', `${join(dir, MARKER)} is not an install record`, { dir });
  }
  return { packageId: record.packageId, label: record.label, sha256: record.sha256, dir };
}

/**
 * Installs a chaincode package under `root/<sha256>/`: parses it (PACKAGE_MALFORMED,
 * PACKAGE_UNSUPPORTED), unpacks `code.tar.gz` into a temporary directory and renames it into
 * place, so a crash never leaves a half-installed package. Installing the same bytes again
 * returns the existing installation.
 */
export function installPackage(bytes: Uint8Array, root: string, limits?: ArchiveLimits): InstalledPackage {
  const pkg = parseChaincodePackage(bytes, limits);
  const dir = join(root, pkg.sha256);
  try {
    const existing = readInstalledPackage(dir);
    if (existing.sha256 === pkg.sha256) return existing;
  } catch {
    // not installed yet (or a broken leftover, replaced below)
  }
  const tmp = join(root, `.installing-${pkg.sha256}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  for (const [name, data] of pkg.code) {
    const target = join(tmp, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
  }
  const record: InstalledPackage = { packageId: pkg.packageId, label: pkg.label, sha256: pkg.sha256, dir };
  writeFileSync(join(tmp, MARKER), JSON.stringify({ packageId: pkg.packageId, label: pkg.label, sha256: pkg.sha256 }, null, 2) + '\n');
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return record;
}
