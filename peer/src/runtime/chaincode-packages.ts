import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ChaincodeDefinition } from '../lifecycle/index.js';

/** A chaincode package file found in the peer's packages directory. */
export interface InstalledPackage {
  readonly file: string;
  /** Lower-case hex SHA-256 of the file (the fingerprint a definition pins). */
  readonly sha256: string;
  /** `metadata.json` label, e.g. `lr-chaincode_0.1.0`; '' when unreadable. */
  readonly label: string;
  readonly bytes: Uint8Array;
}

/** What the peer may run for a committed definition. */
export type PackageResolution =
  | { readonly kind: 'found'; readonly package: InstalledPackage }
  /** A package for this chaincode is installed but its fingerprint differs from the definition's. */
  | { readonly kind: 'mismatch'; readonly package: InstalledPackage }
  | { readonly kind: 'missing' };

/** Files of a ustar archive (regular files only), by name. */
export function untar(tar: Uint8Array): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const text = (from: number, length: number): string => {
    const slice = tar.subarray(from, from + length);
    const end = slice.indexOf(0);
    return Buffer.from(end < 0 ? slice : slice.subarray(0, end)).toString('utf8');
  };
  for (let offset = 0; offset + 512 <= tar.byteLength;) {
    const name = text(offset, 100);
    if (name === '') break;
    const size = parseInt(text(offset + 124, 12).trim() || '0', 8);
    if (!Number.isSafeInteger(size) || size < 0) break;
    const type = text(offset + 156, 1);
    if (type === '0' || type === '') files.set(name, tar.subarray(offset + 512, offset + 512 + size));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** The label in a Fabric chaincode package's `metadata.json`, or '' if it has none. */
export function packageLabel(bytes: Uint8Array): string {
  try {
    const metadata = untar(gunzipSync(bytes)).get('metadata.json');
    if (metadata === undefined) return '';
    const label = (JSON.parse(Buffer.from(metadata).toString('utf8')) as { label?: unknown }).label;
    return typeof label === 'string' ? label : '';
  } catch {
    return '';
  }
}

/** True when a package label names this chaincode (`<name>` or `<name>_<version>`, Fabric's convention). */
export function labelNames(label: string, name: string): boolean {
  return label === name || label.startsWith(`${name}_`);
}

/**
 * The packages directory as the peer sees it: every `*.tar.gz` with its fingerprint (recomputed
 * only when a file's size or mtime changes, so operators can install or replace packages live).
 */
export function createPackageStore(dir: string): { list(): Promise<InstalledPackage[]>; resolve(definition: ChaincodeDefinition): Promise<PackageResolution> } {
  const cache = new Map<string, { stamp: string; package: InstalledPackage }>();
  async function list(): Promise<InstalledPackage[]> {
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => n.endsWith('.tar.gz')).sort();
    } catch {
      return [];
    }
    const found: InstalledPackage[] = [];
    for (const name of names) {
      const file = join(dir, name);
      try {
        const info = await stat(file);
        const stamp = `${info.size}:${info.mtimeMs}`;
        let entry = cache.get(file);
        if (entry?.stamp !== stamp) {
          const bytes = new Uint8Array(await readFile(file));
          entry = { stamp, package: { file, bytes, sha256: createHash('sha256').update(bytes).digest('hex'), label: packageLabel(bytes) } };
          cache.set(file, entry);
        }
        found.push(entry.package);
      } catch {
        // A file removed or unreadable between readdir and read is simply not installed.
      }
    }
    return found;
  }
  return {
    list,
    async resolve(definition) {
      const packages = await list();
      const exact = packages.find((p) => p.sha256 === definition.packageSha256);
      if (exact !== undefined) return { kind: 'found', package: exact };
      const sameLabel = packages.find((p) => labelNames(p.label, definition.name));
      return sameLabel === undefined ? { kind: 'missing' } : { kind: 'mismatch', package: sameLabel };
    },
  };
}
