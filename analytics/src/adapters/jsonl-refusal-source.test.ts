import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonlRefusalSource } from './jsonl-refusal-source.js';

const dir = mkdtempSync(join(tmpdir(), 'speedledger-refusals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('JSON-lines refusal source', () => {
  it('reads complete lines, reports each bad line by number and keeps the rest, continues from its cursor', async () => {
    const file = join(dir, 'refusals.jsonl');
    writeFileSync(file, [
      '{"at":"2026-03-01T08:00:00Z","code":"BAD_SIGNATURE","meterId":"SP-000001","seq":"4","txId":"t1"}',
      'not json',
      '{"atMs":5,"code":"bad code"}',
      '{"code":"REPLAYED_SEQ"}',
      '{"atMs":7,"code":"REPLAYED_SEQ","meterId":"SP-000002","seq":3}',
      '{"atMs":8,"code":"BAD_SIG',
    ].join('\n'));
    const source = jsonlRefusalSource(file);
    const first = await source.read(undefined);
    expect(first.refusals).toEqual([
      { atMs: Date.parse('2026-03-01T08:00:00Z'), code: 'BAD_SIGNATURE', meterId: 'SP-000001', seq: '4', txId: 't1' },
      { atMs: 7, code: 'REPLAYED_SEQ', meterId: 'SP-000002', seq: '3' },
    ]);
    expect(first.problems.map((p) => p.line)).toEqual([2, 3, 4]);
    expect(first.problems[0]!.message).toBe('not JSON');
    // the half-written last line is completed later and read then, once
    appendFileSync(file, 'NATURE","meterId":"SP-000003"}\n');
    const second = await source.read(first.cursor);
    expect(second).toMatchObject({ refusals: [{ atMs: 8, code: 'BAD_SIGNATURE', meterId: 'SP-000003' }], problems: [] });
    expect((await source.read(second.cursor)).refusals).toEqual([]);
  });

  it('a missing file is an empty source', async () => {
    expect(await jsonlRefusalSource(join(dir, 'absent.jsonl')).read(undefined)).toEqual({ refusals: [], problems: [], cursor: '0:1' });
  });
});
