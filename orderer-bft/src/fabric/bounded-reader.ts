/**
 * A bounded google-protobuf reader. `prescanWire` checks one level of a message, but the generated
 * `deserializeBinary` recurses into message-typed fields itself, and google-protobuf 3.21's
 * `BinaryReader` trusts every nested length: a nested field that declares more bytes than its
 * parent holds moves the cursor past the end, `atEnd()` (`cursor == end`) never becomes true, and
 * the loop reads `undefined` bytes for up to 2^32 iterations (issue 17: a `SeekInfo` whose
 * `start.specified` declares 2^32−1 bytes froze the decoder after a clean top-level pre-scan).
 *
 * This subclass is driven by the same generated `deserializeBinaryFromReader` code and checks,
 * at every field of every nesting level, that a length-delimited value fits inside the enclosing
 * message, that no fixed-width value runs past it and that no group wire type appears (Fabric
 * protos have none; google-protobuf skips groups without a bound). Every check is O(1), so a
 * decode is linear in the input and allocates nothing beyond what the message itself holds.
 */
import { createRequire } from 'node:module';
import { MalformedProtobufError } from './malformed-protobuf-error.js';

/** The part of google-protobuf's `BinaryReader` that generated code calls. */
interface JspbReader {
  nextField(): boolean;
  getCursor(): number;
  getWireType(): number;
  getFieldNumber(): number;
  readMessage(message: unknown, read: (message: unknown, reader: JspbReader) => void): void;
}
interface JspbModule {
  BinaryReader: new (bytes: Uint8Array) => JspbReader;
}

// google-protobuf ships no types here; fabric-protos' own declarations reference it untyped.
const jspb = createRequire(import.meta.url)('google-protobuf') as JspbModule;

/** Reads a varint at `at` without moving any cursor; undefined if it does not end before `end`. */
function peekVarint(bytes: Uint8Array, at: number, end: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10 && at + i < end; i++) {
    const byte = bytes[at + i]!;
    if (scale < 2 ** 53) value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return { value: Math.min(value, 2 ** 53), next: at + i + 1 };
  }
  return undefined;
}

/** A `BinaryReader` that refuses, with {@link MalformedProtobufError}, any field that leaves its message. */
class BoundedReader extends jspb.BinaryReader {
  readonly #bytes: Uint8Array;
  /** End offset of each message being read, innermost last. */
  readonly #ends: number[];

  constructor(bytes: Uint8Array) {
    super(bytes);
    this.#bytes = bytes;
    this.#ends = [bytes.byteLength];
  }

  override nextField(): boolean {
    const end = this.#ends[this.#ends.length - 1]!;
    const before = this.getCursor();
    if (before > end) throw new MalformedProtobufError('value runs past the end of its message', end);
    if (before === end) return false;
    const more = super.nextField();
    if (!more) return false;
    const at = this.getCursor();
    if (at > end) throw new MalformedProtobufError('truncated field key', before);
    const field = this.getFieldNumber();
    const wireType = this.getWireType();
    if (field < 1) throw new MalformedProtobufError(`field number ${field}`, before);
    switch (wireType) {
      case 0: {
        if (peekVarint(this.#bytes, at, end) === undefined) throw new MalformedProtobufError(`truncated varint in field ${field}`, before);
        break;
      }
      case 1:
      case 5: {
        const width = wireType === 1 ? 8 : 4;
        if (end - at < width) throw new MalformedProtobufError(`truncated fixed${width * 8} in field ${field}`, before);
        break;
      }
      case 2: {
        const length = peekVarint(this.#bytes, at, end);
        if (length === undefined) throw new MalformedProtobufError(`truncated length of field ${field}`, before);
        if (length.value > end - length.next) {
          throw new MalformedProtobufError(`field ${field} declares ${length.value} bytes, ${end - length.next} remain`, before);
        }
        break;
      }
      default:
        throw new MalformedProtobufError(`wire type ${wireType} in field ${field}`, before);
    }
    return true;
  }

  override readMessage(message: unknown, read: (message: unknown, reader: JspbReader) => void): void {
    // nextField has already checked that the declared length fits the enclosing message.
    const length = peekVarint(this.#bytes, this.getCursor(), this.#bytes.byteLength)!;
    this.#ends.push(length.next + length.value);
    try {
      super.readMessage(message, read);
    } finally {
      this.#ends.pop();
    }
  }
}

/** A generated google-protobuf message class. */
export interface DecodableMessage<T> {
  new (): T;
  deserializeBinaryFromReader(message: T, reader: never): T;
}

/**
 * Decodes `bytes` as `type` with a {@link BoundedReader}: time and memory linear in
 * `bytes.byteLength` at every nesting level. Throws {@link MalformedProtobufError}.
 */
export function decodeWithBoundedReader<T>(type: DecodableMessage<T>, bytes: Uint8Array): T {
  const reader = new BoundedReader(bytes);
  try {
    return type.deserializeBinaryFromReader(new type(), reader as never);
  } catch (error) {
    if (error instanceof MalformedProtobufError) throw error;
    // google-protobuf's own checks (a wire type that does not match the field's type, a bad
    // packed length) throw a plain Error: the same kind of bad input, so the same typed error.
    throw new MalformedProtobufError((error as Error).message, reader.getCursor(), { cause: error });
  }
}
