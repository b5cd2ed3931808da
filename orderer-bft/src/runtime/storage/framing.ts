import { crc32 } from 'node:zlib';

/** Bytes before each record: payload length (u32 BE) then CRC32 of the payload (u32 BE). */
export const FRAME_HEADER_BYTES = 8;

/** Largest record accepted; a longer length field can only come from a torn or corrupt write. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

/** Frames one record: `length ‖ crc32 ‖ payload`. */
export function frameRecord(payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.byteLength);
  frame.writeUInt32BE(payload.byteLength, 0);
  frame.writeUInt32BE(crc32(payload), 4);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

/** A scan of a framed file: intact records, where each starts, and where the intact prefix ends. */
export interface FrameScan {
  readonly records: Uint8Array[];
  readonly offsets: number[];
  /** Bytes of intact records; anything after is a torn or corrupt tail. */
  readonly validLength: number;
}

/**
 * Reads records until the first frame that is incomplete or fails its CRC. Only the tail can be
 * torn (appends are sequential and fsynced in order), so everything before it is trusted.
 */
export function scanFrames(data: Uint8Array): FrameScan {
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const records: Uint8Array[] = [];
  const offsets: number[] = [];
  let offset = 0;
  while (offset + FRAME_HEADER_BYTES <= buffer.byteLength) {
    const length = buffer.readUInt32BE(offset);
    const end = offset + FRAME_HEADER_BYTES + length;
    if (length > MAX_RECORD_BYTES || end > buffer.byteLength) break;
    const payload = buffer.subarray(offset + FRAME_HEADER_BYTES, end);
    if (crc32(payload) !== buffer.readUInt32BE(offset + 4)) break;
    records.push(new Uint8Array(payload));
    offsets.push(offset);
    offset = end;
  }
  return { records, offsets, validLength: offset };
}
