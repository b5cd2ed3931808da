import type { IngestRefusal } from './observations.js';

/** A line of a refusal log that could not be used (the others are kept). */
export interface RefusalProblem {
  readonly line: number;
  readonly message: string;
}

/** What one read of a refusal source gives: new refusals since `cursor`, and the next cursor. */
export interface RefusalBatch {
  readonly refusals: readonly IngestRefusal[];
  readonly problems: readonly RefusalProblem[];
  readonly cursor: string;
}

/**
 * Where the ingest tier's refusals come from (they never reach a block). The sensor-ingest
 * package implements this for its queue; `jsonlRefusalSource` reads a JSON-lines log.
 */
export interface RefusalSource {
  read(cursor: string | undefined): Promise<RefusalBatch>;
}

/**
 * Parses one refusal log line: `{"at": ISO-8601 | "atMs": ms, "code": "BAD_SIGNATURE",
 * "meterId"?, "seq"?, "txId"?, "detail"?}`. Throws with the reason when the line is unusable.
 */
export function parseRefusalLine(text: string): IngestRefusal {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error('not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not a JSON object');
  const atMs = typeof json.atMs === 'number' ? json.atMs : typeof json.at === 'string' ? Date.parse(json.at) : NaN;
  if (!Number.isFinite(atMs)) throw new Error('needs "at" (ISO 8601) or "atMs" (ms since the epoch)');
  if (typeof json.code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(json.code)) throw new Error('needs "code", an upper-case code such as BAD_SIGNATURE');
  const text_ = (k: string): string | undefined => (typeof json[k] === 'string' ? (json[k] as string) : typeof json[k] === 'number' ? String(json[k]) : undefined);
  const meterId = text_('meterId');
  const seq = text_('seq');
  const txId = text_('txId');
  const detail = text_('detail');
  return { atMs, code: json.code, ...(meterId ? { meterId } : {}), ...(seq ? { seq } : {}), ...(txId ? { txId } : {}), ...(detail ? { detail } : {}) };
}

/** Splits complete lines of `text` (starting at byte `offset` of the file) into refusals and problems. */
export function parseRefusalLog(text: string, firstLine: number): { refusals: IngestRefusal[]; problems: RefusalProblem[]; consumedBytes: number; lines: number } {
  const end = text.lastIndexOf('\n') + 1; // a partly written last line waits for the next read
  const lines = text.slice(0, end).split('\n').slice(0, -1);
  const refusals: IngestRefusal[] = [];
  const problems: RefusalProblem[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      refusals.push(parseRefusalLine(line));
    } catch (error) {
      problems.push({ line: firstLine + i, message: (error as Error).message });
    }
  });
  return { refusals, problems, consumedBytes: Buffer.byteLength(text.slice(0, end)), lines: lines.length };
}
