import { createHash } from 'node:crypto';
import { decodeDlr1, type Dlr1Reading } from '@speedledger/lr-chaincode/core';

/** What identifies one reading everywhere in the ingest tier. */
export interface ReadingIdentity {
  readonly meterId: string;
  /** uint64 as decimal string (JSON and Redis keys cannot hold a bigint). */
  readonly seq: string;
  /** Lower-case hex SHA-256 of the raw bytes: the same digest the chaincode writes as `rawSha256`. */
  readonly rawSha256: string;
}

/** Hex SHA-256 of bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The identity of a decoded reading. */
export function identityOf(reading: Dlr1Reading): ReadingIdentity {
  return { meterId: reading.meterId, seq: reading.seq.toString(), rawSha256: sha256Hex(reading.raw) };
}

/** Identity of raw bytes, or undefined when they are not a structurally valid DLR1 reading. */
export function identifyBytes(bytes: Uint8Array): ReadingIdentity | undefined {
  const decoded = decodeDlr1(bytes);
  return decoded.ok ? identityOf(decoded.reading) : undefined;
}

/**
 * The BullMQ job id and Redis key suffix of (meterId, seq). `@` cannot occur in a DLR1 meter id
 * and BullMQ forbids `:` in custom ids, so the id is unambiguous and valid.
 */
export function readingKey(meterId: string, seq: string): string {
  return `${meterId}@${seq}`;
}

/** Inverse of {@link readingKey}. */
export function parseReadingKey(key: string): { meterId: string; seq: string } {
  const at = key.lastIndexOf('@');
  return { meterId: key.slice(0, at), seq: key.slice(at + 1) };
}
