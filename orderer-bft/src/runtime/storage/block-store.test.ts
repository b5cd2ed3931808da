import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Decision } from '../../core/decision.js';
import { BlockStore } from './block-store.js';

function decision(seq: number): Decision {
  return {
    seq, view: 0, digest: `d${seq}`, signatures: [{ replica: 0, signature: new Uint8Array([seq]) }],
    proposal: { header: new Uint8Array([seq, 1]), payload: new Uint8Array(50 + seq).fill(seq) },
  };
}

describe('BlockStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'blocks-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves blocks by number after appends and after reopening (index rebuilt)', async () => {
    const path = join(dir, 'blocks');
    const store = await BlockStore.open(path);
    const appended = await Promise.all([1, 2, 3, 4].map((seq) => store.append(decision(seq))));
    expect(appended).toEqual([true, true, true, true]);
    expect(store.height).toBe(4);
    expect(await store.get(3)).toEqual(decision(3));
    await store.close();
    const reopened = await BlockStore.open(path);
    expect(reopened.height).toBe(4);
    for (const seq of [4, 1, 2, 3]) expect(await reopened.get(seq)).toEqual(decision(seq));
    expect(await reopened.get(5)).toBeUndefined();
    expect(await reopened.get(0)).toBeUndefined();
    await reopened.close();
  });

  it('ignores re-delivered blocks and refuses a gap', async () => {
    const store = await BlockStore.open(join(dir, 'blocks'));
    await store.append(decision(1));
    expect(await store.append(decision(1))).toBe(false);
    await expect(store.append(decision(3))).rejects.toMatchObject({ code: 'STORAGE_CORRUPT' });
    expect(await store.append(decision(2))).toBe(true);
    await store.close();
  });

  it('drops a torn last block on reopen', async () => {
    const path = join(dir, 'blocks');
    const store = await BlockStore.open(path);
    await store.append(decision(1));
    await store.append(decision(2));
    await store.close();
    const full = await readFile(path);
    await writeFile(path, full.subarray(0, full.byteLength - 3));
    const reopened = await BlockStore.open(path);
    expect(reopened.height).toBe(1);
    expect(await reopened.append(decision(2))).toBe(true);
    expect(await reopened.get(2)).toEqual(decision(2));
    await reopened.close();
  });
});
