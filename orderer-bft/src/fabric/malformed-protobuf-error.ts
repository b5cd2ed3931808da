/** Thrown when bytes are not well-formed protobuf wire format. */
export class MalformedProtobufError extends Error {
  readonly code = 'MALFORMED_PROTOBUF' as const;
  /** Byte offset at which the walk stopped. */
  readonly offset: number;
  constructor(message: string, offset: number, options?: { cause?: unknown }) {
    super(`malformed protobuf at byte ${offset}: ${message}`, options);
    this.name = 'MalformedProtobufError';
    this.offset = offset;
  }
}
