import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { RuntimeError } from '../runtime-error.js';
import { frameRecord, scanFrames } from './framing.js';

/** What reopening a framed file found. */
export interface OpenedAppendFile {
  readonly file: AppendFile;
  /** Intact records, in write order. */
  readonly records: Uint8Array[];
  /** Bytes of torn tail that were cut off (0 after a clean shutdown). */
  readonly droppedBytes: number;
}

/**
 * An append-only file of CRC-framed records with group commit: appends queue while one
 * `write + fdatasync` is in flight and go out together in the next one, so the event loop never
 * waits on the disk and the fsync rate stays bounded under load.
 */
export class AppendFile {
  private pending: { frames: Buffer[]; waiters: { resolve: () => void; reject: (e: unknown) => void }[] } = { frames: [], waiters: [] };
  private flushing = false;
  private closed = false;
  /** Called with each fsync's duration in seconds (for the latency histogram). */
  onFsync?: (seconds: number) => void;

  private constructor(
    private readonly handle: FileHandle,
    private position: number,
    readonly path: string,
  ) {}

  /**
   * Opens (creating if absent) and scans the file; a torn last record is cut off and the cut is
   * fsynced before anything new is appended, so a later record can never follow garbage.
   */
  static async open(path: string): Promise<OpenedAppendFile> {
    let handle: FileHandle;
    try {
      handle = await fs.open(path, 'a+');
      await handle.close();
      handle = await fs.open(path, 'r+');
    } catch (cause) {
      throw new RuntimeError('STORAGE_IO', `cannot open ${path}`, { path }, cause);
    }
    const data = await handle.readFile();
    const scan = scanFrames(data);
    if (scan.validLength < data.byteLength) {
      await handle.truncate(scan.validLength);
      await handle.datasync();
    }
    return { file: new AppendFile(handle, scan.validLength, path), records: scan.records, droppedBytes: data.byteLength - scan.validLength };
  }

  /** Bytes of intact records on disk (or queued). */
  get size(): number {
    return this.position + this.pending.frames.reduce((sum, f) => sum + f.byteLength, 0);
  }

  /** Appends records; resolves once they are on stable storage (after fdatasync). */
  append(payloads: readonly Uint8Array[]): Promise<void> {
    if (this.closed) return Promise.reject(new RuntimeError('STORAGE_IO', `${this.path} is closed`, { path: this.path }));
    return new Promise((resolve, reject) => {
      for (const payload of payloads) this.pending.frames.push(frameRecord(payload));
      this.pending.waiters.push({ resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.waiters.length > 0) {
      const batch = this.pending;
      this.pending = { frames: [], waiters: [] };
      const data = Buffer.concat(batch.frames);
      try {
        await this.handle.write(data, 0, data.byteLength, this.position);
        const started = process.hrtime.bigint();
        // fsync point: the records are durable before any waiter learns they were written.
        await this.handle.datasync();
        this.onFsync?.(Number(process.hrtime.bigint() - started) / 1e9);
        this.position += data.byteLength;
        for (const w of batch.waiters) w.resolve();
      } catch (cause) {
        const error = new RuntimeError('STORAGE_IO', `append to ${this.path} failed`, { path: this.path }, cause);
        for (const w of batch.waiters) w.reject(error);
      }
    }
    this.flushing = false;
  }

  /** Waits for queued appends, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.pending.waiters.length > 0 || this.flushing) await this.append([]).catch(() => undefined);
    this.closed = true;
    await this.handle.close();
  }
}
