import { describe, expect, it } from 'vitest';
import { BlockOverlay } from './block-overlay.js';
import { MemoryState } from './test-support/memory-state.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

async function keys(iterable: AsyncIterable<{ key: string }>): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of iterable) out.push(entry.key);
  return out;
}

describe('BlockOverlay', () => {
  it('merges committed and in-block keys in UTF-8 byte order, hiding deletes', async () => {
    // U+FFFF sorts before U+10000 in UTF-8 but after it in UTF-16 code units.
    const high = '\u{10000}';
    const state = new MemoryState().put('ns', 'a', '1', { blockNum: 1, txNum: 0 }).put('ns', '\uffff', '2', { blockNum: 1, txNum: 1 }).put('ns', 'c', '3', { blockNum: 1, txNum: 2 });
    const overlay = new BlockOverlay(state);
    await overlay.apply([{ namespace: 'ns', writes: [{ key: high, value: enc('h') }, { key: 'c', value: null }, { key: 'b', value: enc('b') }], metadataWrites: [] }], { blockNum: 5, txNum: 0 });
    expect(await keys(overlay.range('ns', '', ''))).toEqual(['a', 'b', '\uffff', high]);
    expect(await keys(overlay.range('ns', 'b', '\uffff'))).toEqual(['b']);
    expect(await keys(overlay.rangeInclusive('ns', 'b', '\uffff'))).toEqual(['b', '\uffff']);
    expect(await overlay.get('ns', 'c')).toBeUndefined();
    expect((await overlay.get('ns', 'b'))?.version).toEqual({ blockNum: 5, txNum: 0 });
    expect(overlay.written('ns', 'c')).toBe(true);
    expect(overlay.written('ns', 'a')).toBe(false);
  });

  it('keeps metadata on a value write, the value on a metadata write, and ignores metadata for absent keys', async () => {
    const state = new MemoryState().put('ns', 'k', 'v', { blockNum: 1, txNum: 0 }, new Map([['m', enc('1')]]));
    const overlay = new BlockOverlay(state);
    await overlay.apply([{ namespace: 'ns', writes: [{ key: 'k', value: enc('v2') }], metadataWrites: [] }], { blockNum: 2, txNum: 0 });
    expect(dec((await overlay.get('ns', 'k'))!.metadata.get('m')!)).toBe('1');
    await overlay.apply([{ namespace: 'ns', writes: [], metadataWrites: [{ key: 'k', entries: new Map([['n', enc('2')]]) }, { key: 'absent', entries: new Map([['n', enc('2')]]) }] }], { blockNum: 2, txNum: 1 });
    const k = (await overlay.get('ns', 'k'))!;
    expect(dec(k.value)).toBe('v2');
    expect([...k.metadata.keys()]).toEqual(['n']);
    expect(k.version).toEqual({ blockNum: 2, txNum: 1 });
    expect(await overlay.get('ns', 'absent')).toBeUndefined();
  });
});
