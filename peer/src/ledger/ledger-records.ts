import { LedgerError } from './ledger-error.js';
import type { Version } from './world-state.js';

/**
 * The ledger's stored values. Each record is a sequence of fields, each a big-endian u32 length
 * then its bytes: simple, self-delimiting, and strict on read (a truncated or padded record is
 * corruption, never silently half-read).
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** A key's committed value, version and metadata. */
export interface StateRecord {
  readonly value: Uint8Array;
  readonly version: Version;
  readonly metadata: ReadonlyMap<string, Uint8Array>;
}

/** A committed write of a key, as history keeps it. */
export interface HistoryRecord {
  readonly txId: string;
  readonly timestampMs: number;
  readonly isDelete: boolean;
  readonly value: Uint8Array;
}

/** Where a transaction id was committed and its validation code. */
export interface TxIndexRecord {
  readonly blockNum: number;
  readonly txNum: number;
  readonly code: number;
}

/** The ledger's height and the header hash of its last block (empty at height 0). */
export interface Savepoint {
  readonly height: number;
  readonly lastHash: Uint8Array;
}

/** A chaincode event of a valid transaction. */
export interface EventRecord {
  readonly txId: string;
  readonly eventName: string;
  readonly payload: Uint8Array;
}

function num(n: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setFloat64(0, n);
  return out;
}

function encodeFields(fields: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(fields.reduce((n, f) => n + 4 + f.byteLength, 0));
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const f of fields) {
    view.setUint32(offset, f.byteLength);
    out.set(f, offset + 4);
    offset += 4 + f.byteLength;
  }
  return out;
}

class FieldReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array, private readonly what: string) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  bytesField(): Uint8Array {
    if (this.offset + 4 > this.bytes.byteLength) this.corrupt();
    const length = this.view.getUint32(this.offset);
    const start = this.offset + 4;
    if (start + length > this.bytes.byteLength) this.corrupt();
    this.offset = start + length;
    return this.bytes.slice(start, start + length);
  }

  number(): number {
    const f = this.bytesField();
    if (f.byteLength !== 8) this.corrupt();
    return new DataView(f.buffer, f.byteOffset, 8).getFloat64(0);
  }

  text(): string {
    try {
      return decoder.decode(this.bytesField());
    } catch (error) {
      if (error instanceof LedgerError) throw error;
      return this.corrupt(error);
    }
  }

  end(): void {
    if (this.offset !== this.bytes.byteLength) this.corrupt();
  }

  remaining(): boolean {
    return this.offset < this.bytes.byteLength;
  }

  private corrupt(cause?: unknown): never {
    throw new LedgerError('LEDGER_CORRUPT', `unreadable ${this.what} record`, {}, cause);
  }
}

export function encodeState(record: StateRecord): Uint8Array {
  const metadata = [...record.metadata].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flatMap(([name, value]) => [encoder.encode(name), value]);
  return encodeFields([record.value, num(record.version.blockNum), num(record.version.txNum), ...metadata]);
}

export function decodeState(bytes: Uint8Array): StateRecord {
  const r = new FieldReader(bytes, 'state');
  const value = r.bytesField();
  const version = { blockNum: r.number(), txNum: r.number() };
  const metadata = new Map<string, Uint8Array>();
  while (r.remaining()) metadata.set(r.text(), r.bytesField());
  return { value, version, metadata };
}

export function encodeHistory(record: HistoryRecord): Uint8Array {
  return encodeFields([encoder.encode(record.txId), num(record.timestampMs), Uint8Array.of(record.isDelete ? 1 : 0), record.value]);
}

export function decodeHistory(bytes: Uint8Array): HistoryRecord {
  const r = new FieldReader(bytes, 'history');
  const record = { txId: r.text(), timestampMs: r.number(), isDelete: r.bytesField()[0] === 1, value: r.bytesField() };
  r.end();
  return record;
}

export function encodeTxIndex(record: TxIndexRecord): Uint8Array {
  return encodeFields([num(record.blockNum), num(record.txNum), num(record.code)]);
}

export function decodeTxIndex(bytes: Uint8Array): TxIndexRecord {
  const r = new FieldReader(bytes, 'tx index');
  const record = { blockNum: r.number(), txNum: r.number(), code: r.number() };
  r.end();
  return record;
}

export function encodeSavepoint(savepoint: Savepoint): Uint8Array {
  return encodeFields([num(savepoint.height), savepoint.lastHash]);
}

export function decodeSavepoint(bytes: Uint8Array): Savepoint {
  const r = new FieldReader(bytes, 'savepoint');
  const savepoint = { height: r.number(), lastHash: r.bytesField() };
  r.end();
  return savepoint;
}

export function encodeEvent(record: EventRecord): Uint8Array {
  return encodeFields([encoder.encode(record.txId), encoder.encode(record.eventName), record.payload]);
}

export function decodeEvent(bytes: Uint8Array): EventRecord {
  const r = new FieldReader(bytes, 'chaincode event');
  const record = { txId: r.text(), eventName: r.text(), payload: r.bytesField() };
  r.end();
  return record;
}
