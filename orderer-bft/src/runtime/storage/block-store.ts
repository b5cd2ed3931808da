import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Decision } from '../../core/decision.js';
import { decodeValue, encodeValue } from '../codec.js';
import { RuntimeError } from '../runtime-error.js';
import { AppendFile } from './append-file.js';
import { FRAME_HEADER_BYTES } from './framing.js';

const CACHE_SIZE = 512;

/**
 * The ledger: decided proposals with their commit signatures (self-certifying, so peers can
 * pull them in state transfer), one framed record per block in an append-only file. The
 * in-memory index (block number → file offset) is rebuilt by scanning on reopen; a torn
 * last block is dropped (its decision is still in the WAL and is re-delivered).
 */
export class BlockStore {
  private readonly cache = new Map<number, Decision>();
  private appending = Promise.resolve();
  private queuedHeight: number;
  /** File offset where the next queued block's frame starts. */
  private tail: number;
  private closed = false;

  private constructor(
    private readonly file: AppendFile,
    private readonly reader: FileHandle,
    private readonly offsets: number[],
    private readonly lengths: number[],
    readonly path: string,
  ) {
    this.queuedHeight = offsets.length;
    this.tail = file.size;
  }

  static async open(path: string): Promise<BlockStore> {
    const opened = await AppendFile.open(path);
    const offsets: number[] = [];
    const lengths: number[] = [];
    let offset = 0;
    try {
      opened.records.forEach((bytes, index) => {
        const seq = readSeq(bytes, path, index);
        if (seq !== index + 1) throw new RuntimeError('STORAGE_CORRUPT', `block ${index + 1} holds sequence ${seq}`, { path, block: index + 1, seq });
        offsets.push(offset);
        lengths.push(bytes.byteLength);
        offset += FRAME_HEADER_BYTES + bytes.byteLength;
      });
    } catch (error) {
      await opened.file.close();
      throw error;
    }
    const reader = await fs.open(path, 'r');
    return new BlockStore(opened.file, reader, offsets, lengths, path);
  }

  /** Number of durable blocks (= sequence of the last one; the genesis block is not stored). */
  get height(): number {
    return this.offsets.length;
  }

  /**
   * Appends the next decision; resolves once it is fsynced, which is when it counts as
   * delivered. Decisions at or below the queued height (re-deliveries after a restart) are ignored.
   */
  append(decision: Decision): Promise<boolean> {
    if (decision.seq <= this.queuedHeight) return Promise.resolve(false);
    if (decision.seq !== this.queuedHeight + 1) {
      return Promise.reject(new RuntimeError('STORAGE_CORRUPT', `block ${decision.seq} does not follow ${this.queuedHeight}`, { path: this.path, seq: decision.seq }));
    }
    this.queuedHeight = decision.seq;
    const bytes = encodeValue(decision);
    const offset = this.tail;
    this.tail += FRAME_HEADER_BYTES + bytes.byteLength;
    const done = this.appending.then(() => this.file.append([bytes])).then(() => {
      this.offsets.push(offset);
      this.lengths.push(bytes.byteLength);
      this.remember(decision);
      return true;
    });
    this.appending = done.then(() => undefined, () => undefined);
    return done;
  }

  /** The decision at `seq` (1-based), or undefined above the height. */
  async get(seq: number): Promise<Decision | undefined> {
    if (!Number.isInteger(seq) || seq < 1 || seq > this.height) return undefined;
    const cached = this.cache.get(seq);
    if (cached !== undefined) return cached;
    const length = this.lengths[seq - 1]!;
    const buffer = Buffer.alloc(length);
    await this.reader.read(buffer, 0, length, this.offsets[seq - 1]! + FRAME_HEADER_BYTES);
    const decision = decodeValue(buffer) as Decision;
    this.remember(decision);
    return decision;
  }

  private remember(decision: Decision): void {
    this.cache.set(decision.seq, decision);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.appending;
    await this.file.close();
    await this.reader.close();
  }
}

function readSeq(bytes: Uint8Array, path: string, index: number): number {
  try {
    const value = decodeValue(bytes) as { seq?: unknown };
    if (typeof value.seq === 'number') return value.seq;
  } catch (cause) {
    throw new RuntimeError('STORAGE_CORRUPT', `block record ${index} is not decodable`, { path, record: index }, cause);
  }
  throw new RuntimeError('STORAGE_CORRUPT', `block record ${index} has no sequence`, { path, record: index });
}
