import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseChaincodePackage } from '../chaincode-package.js';

/** One package file of a {@link PackageStore}. */
export interface StoredPackage {
  readonly file: string;
  readonly label: string;
  readonly sha256: string;
  readonly packageId: string;
}

/** A directory of chaincode packages (`*.tar.gz`), looked up by fingerprint or label. */
export interface PackageStore {
  /** Every parsable package, sorted by file name; unparsable files are listed in `rejected`. */
  list(): { readonly packages: readonly StoredPackage[]; readonly rejected: readonly { readonly file: string; readonly reason: string }[] };
  /** The package with exactly this SHA-256, with its bytes. */
  findBySha256(sha256: string): { readonly info: StoredPackage; readonly bytes: Uint8Array } | undefined;
  /** Packages with this label (several versions may share one). */
  findByLabel(label: string): readonly StoredPackage[];
}

/** A {@link PackageStore} over `dir` (read at every call: packages may be added while running). */
export function openPackageStore(dir: string): PackageStore {
  const scan = () => {
    const packages: (StoredPackage & { bytes: Uint8Array })[] = [];
    const rejected: { file: string; reason: string }[] = [];
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.tar.gz')).sort();
    } catch {
      names = [];
    }
    for (const name of names) {
      const file = join(dir, name);
      try {
        const bytes = readFileSync(file);
        const pkg = parseChaincodePackage(bytes);
        packages.push({ file, label: pkg.label, sha256: pkg.sha256, packageId: pkg.packageId, bytes });
      } catch (error) {
        rejected.push({ file, reason: (error as Error).message });
      }
    }
    return { packages, rejected };
  };
  const info = ({ file, label, sha256, packageId }: StoredPackage): StoredPackage => ({ file, label, sha256, packageId });
  return {
    list() {
      const { packages, rejected } = scan();
      return { packages: packages.map(info), rejected };
    },
    findBySha256(sha256) {
      const found = scan().packages.find((p) => p.sha256 === sha256.toLowerCase());
      return found === undefined ? undefined : { info: info(found), bytes: found.bytes };
    },
    findByLabel(label) {
      return scan().packages.filter((p) => p.label === label).map(info);
    },
  };
}
