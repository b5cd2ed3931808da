import { mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WalRecord } from '../../core/wal-record.js';
import { RuntimeError } from '../runtime-error.js';
import { WriteAheadLog } from './write-ahead-log.js';

const records: WalRecord[] = [
  { kind: 'view-change', view: 1 },
  { kind: 'checkpoint', certificate: { seq: 0, digest: 'ab', proof: [] } },
  {
    kind: 'decision',
    decision: { seq: 1, view: 1, digest: 'cd', proposal: { header: new Uint8Array([1, 2, 3]), payload: new Uint8Array(300).fill(7) }, signatures: [{ replica: 2, signature: new Uint8Array([9, 9]) }] },
  },
];

describe('WriteAheadLog', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wal-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns every appended record, bytes included, after reopening', async () => {
    const path = join(dir, 'wal');
    const { wal } = await WriteAheadLog.open(path);
    await wal.append(records.slice(0, 2));
    await wal.append(records.slice(2));
    await wal.close();
    const reopened = await WriteAheadLog.open(path);
    expect(reopened.records).toEqual(records);
    expect(reopened.droppedBytes).toBe(0);
    await reopened.wal.close();
  });

  it('drops a last record torn at any byte offset and keeps appending after it', async () => {
    const path = join(dir, 'wal');
    const { wal } = await WriteAheadLog.open(path);
    await wal.append(records.slice(0, 2));
    const intact = (await stat(path)).size;
    await wal.append(records.slice(2));
    await wal.close();
    const full = await readFile(path);
    for (let cut = intact; cut < full.byteLength; cut += 1) {
      await writeFile(path, full.subarray(0, cut));
      const torn = await WriteAheadLog.open(path);
      expect(torn.records).toEqual(records.slice(0, 2));
      expect(torn.droppedBytes).toBe(cut - intact);
      await torn.wal.append([{ kind: 'view-change', view: 5 }]);
      await torn.wal.close();
      const again = await WriteAheadLog.open(path);
      expect(again.records).toEqual([...records.slice(0, 2), { kind: 'view-change', view: 5 }]);
      await again.wal.close();
    }
  });

  it('drops a last record whose payload was corrupted', async () => {
    const path = join(dir, 'wal');
    const { wal } = await WriteAheadLog.open(path);
    await wal.append(records);
    await wal.close();
    const full = await readFile(path);
    full.writeUInt8(full.readUInt8(full.byteLength - 5) ^ 0xff, full.byteLength - 5);
    await writeFile(path, full);
    const reopened = await WriteAheadLog.open(path);
    expect(reopened.records).toEqual(records.slice(0, 2));
    await reopened.wal.close();
  });

  it('refuses a record whose CRC matches but which is not a WAL record encoding', async () => {
    const path = join(dir, 'wal');
    const { frameRecord } = await import('./framing.js');
    await writeFile(path, frameRecord(new TextEncoder().encode('not json')));
    await expect(WriteAheadLog.open(path)).rejects.toMatchObject({ code: 'STORAGE_CORRUPT' });
    await expect(WriteAheadLog.open(path)).rejects.toBeInstanceOf(RuntimeError);
  });

  it('reports an unreadable path as STORAGE_IO', async () => {
    await expect(WriteAheadLog.open(join(dir, 'missing-dir', 'wal'))).rejects.toMatchObject({ code: 'STORAGE_IO' });
  });

  it('starts empty on an empty file', async () => {
    const path = join(dir, 'wal');
    await writeFile(path, '');
    await truncate(path, 0);
    const opened = await WriteAheadLog.open(path);
    expect(opened.records).toEqual([]);
    await opened.wal.close();
  });
});
