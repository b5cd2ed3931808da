import { readFile } from 'node:fs/promises';
import { chaincode } from '@speedledger/peer';
import { NetworkError } from '../errors/network-error.js';

/** A file checked to be a Fabric chaincode package this network's peers can run. */
export interface CheckedPackage {
  readonly file: string;
  /** Lower-case hex SHA-256 of the package bytes (what a definition pins). */
  readonly sha256: string;
  readonly label: string;
  /** Fabric's package id, `label:sha256`. */
  readonly packageId: string;
  readonly type: string;
}

/** `label:sha256` → its parts; undefined unless it is a Fabric package id (label of letters, digits, `_.+-`; 64 hex digits). Pure. */
export function parsePackageId(id: string): { readonly label: string; readonly sha256: string } | undefined {
  const match = /^([A-Za-z0-9_.+-]+):([0-9a-f]{64})$/.exec(id);
  return match === null ? undefined : { label: match[1]!, sha256: match[2]! };
}

/**
 * Reads and checks a chaincode package as `peer lifecycle chaincode install` would: a gzipped tar
 * with `metadata.json` (a known type — node, the type these peers run — and a label) and
 * `code.tar.gz`. PACKAGE_MISSING when unreadable, PACKAGE_INVALID (with the reason) for anything
 * else, so that `chaincode approve --package README.md` approves nothing (issue 16).
 */
export async function checkChaincodePackage(file: string): Promise<CheckedPackage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    throw new NetworkError('PACKAGE_MISSING', `chaincode package ${file} cannot be read (build it with "npm run package -w lr-chaincode")`, { packageFile: file }, cause);
  }
  try {
    const pkg = chaincode.parseChaincodePackage(bytes);
    return { file, sha256: pkg.sha256, label: pkg.label, packageId: pkg.packageId, type: pkg.type };
  } catch (cause) {
    throw new NetworkError('PACKAGE_INVALID', `${file} is not a Fabric chaincode package (a .tar.gz of metadata.json with type and label, and code.tar.gz): ${(cause as Error).message}`, {
      packageFile: file,
    }, cause);
  }
}
