/**
 * A bounded, validating walk over protobuf wire format, run before google-protobuf's
 * `deserializeBinary` on bytes from a socket: the decoder under `@hyperledger/fabric-protos` 0.3.7
 * loops forever on a length-delimited field that declares more bytes than remain (issue 17:
 * `0a ff ff ff ff 0f` + 64 bytes froze a peer). One pass, linear in `bytes.byteLength`, no
 * allocation proportional to any declared length.
 */

import { decodeWithBoundedReader, type DecodableMessage } from './bounded-reader.js';
import { MalformedProtobufError } from './malformed-protobuf-error.js';

export { MalformedProtobufError };
export type { DecodableMessage };

/**
 * Throws {@link MalformedProtobufError} unless every field of `bytes` has a key with field number
 * ≥ 1 and wire type 0, 1, 2 or 5, every varint is at most 10 bytes, and every fixed-width or
 * length-delimited value fits in the bytes that remain. Nested messages are opaque bytes here:
 * pre-scan each one before decoding it.
 */
export function prescanWire(bytes: Uint8Array): void {
  const end = bytes.byteLength;
  let offset = 0;
  // Returns the varint as a number, saturated at 2^53 (any larger length fails the bound anyway).
  const readVarint = (): number => {
    const start = offset;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (offset >= end) throw new MalformedProtobufError('truncated varint', start);
      const byte = bytes[offset++]!;
      if (scale < 2 ** 53) value += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) return Math.min(value, 2 ** 53);
    }
    throw new MalformedProtobufError('varint longer than 10 bytes', start);
  };
  while (offset < end) {
    const keyAt = offset;
    const key = readVarint();
    const wireType = key % 8;
    const field = Math.floor(key / 8);
    if (field < 1 || field > 0x1fffffff) throw new MalformedProtobufError(`field number ${field}`, keyAt);
    switch (wireType) {
      case 0:
        readVarint();
        break;
      case 1:
      case 5: {
        const width = wireType === 1 ? 8 : 4;
        if (end - offset < width) throw new MalformedProtobufError(`truncated fixed${width * 8} in field ${field}`, keyAt);
        offset += width;
        break;
      }
      case 2: {
        const length = readVarint();
        if (length > end - offset) {
          throw new MalformedProtobufError(`field ${field} declares ${length} bytes, ${end - offset} remain`, keyAt);
        }
        offset += length;
        break;
      }
      default:
        throw new MalformedProtobufError(`wire type ${wireType} in field ${field}`, keyAt);
    }
  }
}

/**
 * The one way to decode untrusted bytes: {@link prescanWire} (cheap top-level gate) then a decode
 * through a bounded reader that checks every nested level too. Throws {@link MalformedProtobufError}.
 */
export function decodeBounded<T>(type: DecodableMessage<T>, bytes: Uint8Array): T {
  prescanWire(bytes);
  return decodeWithBoundedReader(type, bytes);
}
