/**
 * The batch body of `POST /v1/readings` (`application/vnd.speedledger.dlr1-batch`): readings
 * back to back, each preceded by its length as a 4-byte big-endian unsigned integer. Explicit
 * lengths (rather than DLR1's own n field) let a malformed reading be refused alone without
 * losing the framing of the ones after it.
 */
export const BATCH_CONTENT_TYPE = 'application/vnd.speedledger.dlr1-batch';

/** Content type of one reading. */
export const READING_CONTENT_TYPE = 'application/octet-stream';

/** A framing problem: the whole batch is refused and nothing is stored. */
export interface FramingError {
  readonly ok: false;
  readonly detail: string;
}

/** Splits a batch body into its readings (views into `body`, not copies). */
export function decodeBatch(body: Uint8Array, maxItems: number): { ok: true; items: Uint8Array[] } | FramingError {
  const items: Uint8Array[] = [];
  let offset = 0;
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  while (offset < body.length) {
    if (body.length - offset < 4) return { ok: false, detail: `truncated length prefix at byte ${offset}` };
    const length = view.getUint32(offset);
    offset += 4;
    if (length === 0) return { ok: false, detail: `item ${items.length} has length 0` };
    if (length > body.length - offset) return { ok: false, detail: `item ${items.length} declares ${length} bytes, only ${body.length - offset} remain` };
    if (items.length === maxItems) return { ok: false, detail: `more than ${maxItems} items` };
    items.push(body.subarray(offset, offset + length));
    offset += length;
  }
  if (items.length === 0) return { ok: false, detail: 'empty batch' };
  return { ok: true, items };
}

/** Frames readings as a batch body (the feeder and tests use this). */
export function encodeBatch(readings: readonly Uint8Array[]): Buffer {
  const total = readings.reduce((sum, r) => sum + 4 + r.length, 0);
  const out = Buffer.alloc(total);
  let offset = 0;
  for (const reading of readings) {
    out.writeUInt32BE(reading.length, offset);
    out.set(reading, offset + 4);
    offset += 4 + reading.length;
  }
  return out;
}
