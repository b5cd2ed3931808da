import { createHash } from 'node:crypto';
import { ChaincodeError } from './chaincode-error.js';
import { readTarGz, type ArchiveLimits } from './ustar-reader.js';

/** A parsed Fabric chaincode package (the `peer lifecycle chaincode package` layout). */
export interface ChaincodePackage {
  /** Hex SHA-256 of the package bytes: the fingerprint a chaincode definition names. */
  readonly sha256: string;
  readonly label: string;
  /** Fabric's package id, `label:sha256`. */
  readonly packageId: string;
  /** `metadata.json` type; only `node` is supported. */
  readonly type: 'node';
  /** The files of `code.tar.gz` (e.g. `src/index.js`, `src/package.json`). */
  readonly code: ReadonlyMap<string, Uint8Array>;
}

const LABEL = /^[A-Za-z0-9_.+-]+$/;

/** Hex SHA-256 of a package's bytes. */
export function packageFingerprint(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Parses package bytes: `metadata.json` (type, label) and `code.tar.gz`. Throws PACKAGE_MALFORMED
 * for a bad archive or metadata, PACKAGE_UNSUPPORTED for a type other than `node`.
 */
export function parseChaincodePackage(bytes: Uint8Array, limits?: ArchiveLimits): ChaincodePackage {
  const sha256 = packageFingerprint(bytes);
  const outer = readTarGz(bytes, limits);
  const metadataBytes = outer.get('metadata.json');
  const codeBytes = outer.get('code.tar.gz');
  if (metadataBytes === undefined || codeBytes === undefined) {
    throw new ChaincodeError('PACKAGE_MALFORMED', 'package needs metadata.json and code.tar.gz', { sha256 });
  }
  let metadata: { type?: unknown; label?: unknown };
  try {
    metadata = JSON.parse(Buffer.from(metadataBytes).toString('utf8')) as typeof metadata;
  } catch (cause) {
    throw new ChaincodeError('PACKAGE_MALFORMED', 'metadata.json is not JSON', { sha256 }, cause);
  }
  if (typeof metadata !== 'object' || metadata === null || typeof metadata.label !== 'string' || !LABEL.test(metadata.label)) {
    throw new ChaincodeError('PACKAGE_MALFORMED', 'metadata.json needs a label of letters, digits and _.+-', { sha256 });
  }
  if (typeof metadata.type !== 'string') throw new ChaincodeError('PACKAGE_MALFORMED', 'metadata.json needs a type', { sha256 });
  if (metadata.type.toLowerCase() !== 'node') {
    throw new ChaincodeError('PACKAGE_UNSUPPORTED', `chaincode type ${metadata.type} is not supported: this peer runs node chaincode only`, { sha256, type: metadata.type });
  }
  const code = readTarGz(codeBytes, limits);
  if (!code.has('src/package.json')) throw new ChaincodeError('PACKAGE_MALFORMED', 'code.tar.gz has no src/package.json', { sha256 });
  return { sha256, label: metadata.label, packageId: `${metadata.label}:${sha256}`, type: 'node', code };
}
