import { common } from '@hyperledger/fabric-protos';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBounded, MalformedProtobufError, prescanWire } from './wire-prescan.js';

const hostile = Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, ...new Array<number>(64).fill(0x41)]);

function codeOf(bytes: Uint8Array): string | undefined {
  try {
    prescanWire(bytes);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedProtobufError);
    return (error as MalformedProtobufError).code;
  }
}

describe('prescanWire', () => {
  it('passes messages serialised by fabric-protos', () => {
    const header = new common.ChannelHeader();
    header.setChannelId('ch');
    header.setTxId('tx');
    header.setType(3);
    header.setEpoch(2 ** 40);
    const envelope = new common.Envelope();
    envelope.setPayload(header.serializeBinary());
    envelope.setSignature(new Uint8Array(71).fill(7));
    expect(codeOf(envelope.serializeBinary())).toBeUndefined();
    expect(decodeBounded(common.Envelope, envelope.serializeBinary()).getSignature_asU8()).toHaveLength(71);
  });

  it('refuses a length beyond the remaining bytes (the issue 17 freeze)', () => {
    expect(codeOf(hostile)).toBe('MALFORMED_PROTOBUF');
    expect(() => decodeBounded(common.Envelope, hostile)).toThrow(/declares 4294967295 bytes, 64 remain/);
  });

  it('refuses truncated and over-long varints, groups, reserved wire types and field 0', () => {
    expect(codeOf(Uint8Array.from([0x08, 0x80]))).toBe('MALFORMED_PROTOBUF');
    expect(codeOf(Uint8Array.from([0x08, ...new Array<number>(10).fill(0xff), 0x01]))).toBe('MALFORMED_PROTOBUF');
    expect(codeOf(Uint8Array.from([0x0b]))).toBe('MALFORMED_PROTOBUF');
    expect(codeOf(Uint8Array.from([0x0c]))).toBe('MALFORMED_PROTOBUF');
    expect(codeOf(Uint8Array.from([0x0e, 0x00]))).toBe('MALFORMED_PROTOBUF');
    expect(codeOf(Uint8Array.from([0x02, 0x00]))).toBe('MALFORMED_PROTOBUF');
    expect(codeOf(Uint8Array.from([0x0d, 0x00, 0x00]))).toBe('MALFORMED_PROTOBUF');
  });

  it('on random bytes either passes or throws the typed error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const code = codeOf(bytes);
      expect(code === undefined || code === 'MALFORMED_PROTOBUF').toBe(true);
    }), { numRuns: 2000 });
  });
});
