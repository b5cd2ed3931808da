import { open } from 'node:fs/promises';
import { parseRefusalLog, type RefusalSource } from '../surveillance/refusal-source.js';

/**
 * Refusals from a JSON-lines file the ingest tier appends to. The cursor is `byteOffset:line`,
 * so a restarted worker continues where it stopped; a missing file is an empty source.
 */
export function jsonlRefusalSource(file: string): RefusalSource {
  return {
    async read(cursor) {
      const [offset, line] = (cursor ?? '0:1').split(':').map(Number) as [number, number];
      let handle;
      try {
        handle = await open(file, 'r');
      } catch {
        return { refusals: [], problems: [], cursor: `${offset}:${line}` };
      }
      try {
        const { size } = await handle.stat();
        if (size <= offset) return { refusals: [], problems: [], cursor: `${offset}:${line}` };
        const buffer = Buffer.alloc(size - offset);
        await handle.read(buffer, 0, buffer.length, offset);
        const parsed = parseRefusalLog(buffer.toString('utf8'), line);
        return { refusals: parsed.refusals, problems: parsed.problems, cursor: `${offset + parsed.consumedBytes}:${line + parsed.lines}` };
      } finally {
        await handle.close();
      }
    },
  };
}
