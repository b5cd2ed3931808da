import type { DecodableMessage } from './bounded-reader.js';
import { decodeBounded } from './wire-prescan.js';

/** What every generated google-protobuf message offers. */
export interface Message {
  serializeBinary(): Uint8Array;
}

/** A generated google-protobuf message class. */
export type MessageClass<T extends Message> = DecodableMessage<T>;

/**
 * Parses `bytes` as `type` and insists that they are the message's canonical serialisation:
 * google-protobuf silently drops unknown fields and accepts re-ordered fields, and two replicas
 * must never disagree about what a byte string means. Undefined on any failure.
 */
export function parseCanonical<T extends Message>(type: MessageClass<T>, bytes: Uint8Array): T | undefined {
  try {
    const message = decodeBounded(type, bytes);
    const again = message.serializeBinary();
    return Buffer.from(again).equals(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) ? message : undefined;
  } catch {
    return undefined;
  }
}

/** Parses leniently (unknown fields skipped): for inputs whose bytes we only read. */
export function parseLenient<T extends Message>(type: MessageClass<T>, bytes: Uint8Array): T | undefined {
  try {
    return decodeBounded(type, bytes);
  } catch {
    return undefined;
  }
}
