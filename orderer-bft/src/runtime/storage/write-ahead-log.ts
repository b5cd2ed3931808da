import type { WalRecord } from '../../core/wal-record.js';
import { decodeValue, encodeValue } from '../codec.js';
import { RuntimeError } from '../runtime-error.js';
import { AppendFile } from './append-file.js';

/**
 * The replica's WAL: the core's `persist` records, CRC-framed, fsynced (group commit) before the
 * host answers `persisted`. A torn last record (crash mid-write) is dropped on reopen.
 */
export class WriteAheadLog {
  private constructor(private readonly file: AppendFile) {}

  /** Opens the WAL and returns every intact record, in write order. */
  static async open(path: string): Promise<{ wal: WriteAheadLog; records: WalRecord[]; droppedBytes: number }> {
    const opened = await AppendFile.open(path);
    let records: WalRecord[];
    try {
      records = opened.records.map((bytes, index) => {
        try {
          return decodeValue(bytes) as WalRecord;
        } catch (cause) {
          // The CRC matched, so this is not a torn write: refuse to guess.
          throw new RuntimeError('STORAGE_CORRUPT', `WAL record ${index} is not decodable`, { path, record: index }, cause);
        }
      });
    } catch (error) {
      await opened.file.close();
      throw error;
    }
    return { wal: new WriteAheadLog(opened.file), records, droppedBytes: opened.droppedBytes };
  }

  /** Durably appends records (resolves after fdatasync). */
  append(records: readonly WalRecord[]): Promise<void> {
    return this.file.append(records.map((r) => encodeValue(r)));
  }

  set onFsync(listener: ((seconds: number) => void) | undefined) {
    this.file.onFsync = listener;
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
