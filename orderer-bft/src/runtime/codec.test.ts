import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue } from './codec.js';

describe('codec', () => {
  it('round-trips nested values with byte arrays, Buffers and empty arrays as Uint8Arrays', () => {
    const value = {
      from: 2, body: { type: 'pre-prepare', proposal: { header: new Uint8Array([1, 2]), payload: Buffer.from('abc') } },
      list: [new Uint8Array(0), 'text', null, { nested: [new Uint8Array([255])] }],
    };
    const decoded = decodeValue(encodeValue(value)) as typeof value;
    expect(decoded).toEqual({ ...value, body: { ...value.body, proposal: { header: new Uint8Array([1, 2]), payload: new Uint8Array(Buffer.from('abc')) } } });
    expect(decoded.body.proposal.payload).toBeInstanceOf(Uint8Array);
  });

  it('refuses truncated encodings and bad segment references', () => {
    const encoded = encodeValue({ a: new Uint8Array(10) });
    expect(() => decodeValue(encoded.subarray(0, encoded.byteLength - 1))).toThrow(RangeError);
    expect(() => decodeValue(encoded.subarray(0, 6))).toThrow(RangeError);
    const json = Buffer.from('{"$b":3}');
    const forged = Buffer.concat([Buffer.from([0, 0, 0, json.byteLength]), json]);
    expect(() => decodeValue(forged)).toThrow(RangeError);
    expect(() => decodeValue(new Uint8Array([0, 0, 0, 1, 0x7b]))).toThrow(SyntaxError);
  });
});
