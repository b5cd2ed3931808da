import { gunzipSync } from 'node:zlib';
import { ChaincodeError } from './chaincode-error.js';

/** Bounds on what a package archive may unpack to. */
export interface ArchiveLimits {
  /** Largest single file, bytes. */
  readonly maxFileBytes: number;
  /** Largest unpacked archive, bytes. */
  readonly maxTotalBytes: number;
  readonly maxEntries: number;
}

/** Default bounds: a chaincode bundle is a few hundred kilobytes. */
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = { maxFileBytes: 32 * 1024 * 1024, maxTotalBytes: 64 * 1024 * 1024, maxEntries: 1024 };

const BLOCK = 512;

function field(header: Uint8Array, offset: number, length: number): string {
  const raw = Buffer.from(header.subarray(offset, offset + length)).toString('utf8');
  const nul = raw.indexOf('\0');
  return nul === -1 ? raw : raw.slice(0, nul);
}

function octal(header: Uint8Array, offset: number, length: number, what: string, name: string): number {
  const text = field(header, offset, length).trim();
  if (!/^[0-7]+$/.test(text)) throw new ChaincodeError('PACKAGE_MALFORMED', `tar entry ${name || '?'}: ${what} is not octal`, { entry: name });
  return parseInt(text, 8);
}

/** Rejects names that could escape the install directory or are not plain relative paths. */
function safeName(name: string): string {
  const bad = (why: string): never => {
    throw new ChaincodeError('PACKAGE_MALFORMED', `tar entry ${JSON.stringify(name)}: ${why}`, { entry: name });
  };
  if (name === '') bad('empty name');
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) bad('absolute path');
  if (name.includes('\\')) bad('backslash in path');
  const parts = name.replace(/\/$/, '').split('/');
  if (parts.some((p) => p === '..')) bad('parent-directory segment');
  return parts.filter((p) => p !== '' && p !== '.').join('/');
}

/**
 * Reads a gzipped ustar archive into its regular files (path → bytes). Directories are skipped;
 * links, devices, PAX/GNU extension headers, unsafe paths, duplicate names, bad checksums and
 * anything over `limits` are refused with PACKAGE_MALFORMED. Pure: bytes in, entries out.
 */
export function readTarGz(gz: Uint8Array, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Map<string, Uint8Array> {
  let tar: Buffer;
  try {
    tar = gunzipSync(gz, { maxOutputLength: limits.maxTotalBytes + limits.maxEntries * 2 * BLOCK + 2 * BLOCK });
  } catch (cause) {
    throw new ChaincodeError('PACKAGE_MALFORMED', `not a gzip stream within the size limit: ${(cause as Error).message}`, {}, cause);
  }
  const files = new Map<string, Uint8Array>();
  let total = 0;
  let entries = 0;
  for (let offset = 0; ; ) {
    if (offset + BLOCK > tar.length) throw new ChaincodeError('PACKAGE_MALFORMED', 'tar archive ends without its end-of-archive blocks', {});
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) return files;
    if (++entries > limits.maxEntries) throw new ChaincodeError('PACKAGE_MALFORMED', `more than ${limits.maxEntries} tar entries`, {});
    const prefix = field(header, 345, 155);
    const rawName = (prefix === '' ? '' : `${prefix}/`) + field(header, 0, 100);
    const magic = field(header, 257, 6);
    if (magic !== 'ustar' && magic !== 'ustar ') throw new ChaincodeError('PACKAGE_MALFORMED', `tar entry ${rawName}: not a ustar header`, { entry: rawName });
    const stored = octal(header, 148, 8, 'checksum', rawName);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
    if (sum !== stored) throw new ChaincodeError('PACKAGE_MALFORMED', `tar entry ${rawName}: header checksum mismatch`, { entry: rawName });
    const size = octal(header, 124, 12, 'size', rawName);
    const type = String.fromCharCode(header[156]!);
    const name = safeName(rawName);
    const dataStart = offset + BLOCK;
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === '5') continue;
    if (type !== '0' && type !== '\0') {
      throw new ChaincodeError('PACKAGE_MALFORMED', `tar entry ${name}: type ${JSON.stringify(type)} is not a regular file (links and extensions are refused)`, { entry: name });
    }
    if (size > limits.maxFileBytes) throw new ChaincodeError('PACKAGE_MALFORMED', `tar entry ${name}: ${size} bytes exceeds ${limits.maxFileBytes}`, { entry: name });
    total += size;
    if (total > limits.maxTotalBytes) throw new ChaincodeError('PACKAGE_MALFORMED', `archive unpacks to more than ${limits.maxTotalBytes} bytes`, {});
    if (dataStart + size > tar.length) throw new ChaincodeError('PACKAGE_MALFORMED', `tar entry ${name}: truncated data`, { entry: name });
    if (files.has(name)) throw new ChaincodeError('PACKAGE_MALFORMED', `tar entry ${name} appears twice`, { entry: name });
    files.set(name, tar.subarray(dataStart, dataStart + size));
  }
}
