import { common, gateway, orderer, peer } from '@hyperledger/fabric-protos';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBounded, MalformedProtobufError, prescanWire } from './wire-prescan.js';

const FREEZE = [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, ...new Array<number>(64).fill(0x41)];
/** A length-delimited field `field` holding `content`. */
const delimited = (field: number, content: number[]): number[] => {
  const length: number[] = [];
  let n = content.length;
  do {
    length.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return [(field << 3) | 2, ...length, ...content];
};

function malformed(run: () => unknown): MalformedProtobufError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedProtobufError);
    return error as MalformedProtobufError;
  }
  throw new Error('decoded without an error');
}

function seekInfo(): orderer.SeekInfo {
  const specified = new orderer.SeekSpecified();
  specified.setNumber(7);
  const start = new orderer.SeekPosition();
  start.setSpecified(specified);
  const stop = new orderer.SeekPosition();
  stop.setNewest(new orderer.SeekNewest());
  const info = new orderer.SeekInfo();
  info.setStart(start);
  info.setStop(stop);
  info.setBehavior(orderer.SeekInfo.SeekBehavior.BLOCK_UNTIL_READY);
  return info;
}

describe('decodeBounded (bounded reader at every nesting level)', () => {
  it('decodes well-formed nested messages exactly as google-protobuf does', () => {
    const info = seekInfo();
    const decoded = decodeBounded(orderer.SeekInfo, info.serializeBinary());
    expect(decoded.toObject()).toEqual(info.toObject());
    expect(Buffer.from(decoded.serializeBinary()).equals(Buffer.from(info.serializeBinary()))).toBe(true);
    const request = new gateway.EndorseRequest();
    request.setTransactionId('tx');
    request.setChannelId('ch');
    request.setEndorsingOrganizationsList(['Org1MSP', 'Org2MSP']);
    const signed = new peer.SignedProposal();
    signed.setProposalBytes(new Uint8Array(300).fill(3));
    request.setProposedTransaction(signed);
    expect(decodeBounded(gateway.EndorseRequest, request.serializeBinary()).toObject()).toEqual(request.toObject());
  });

  it('refuses the freeze length one level down, which a top-level pre-scan passes (SeekInfo.start.specified)', () => {
    // SeekInfo { start: SeekPosition { specified: <2^32-1 bytes> } }: google-protobuf loops on it.
    const bytes = Uint8Array.from(delimited(1, [0x1a, ...FREEZE.slice(1)]));
    expect(() => prescanWire(bytes)).not.toThrow();
    expect(malformed(() => decodeBounded(orderer.SeekInfo, bytes)).message).toMatch(/field 3 declares 4294967295 bytes/);
  });

  it('refuses a nested field that runs past its parent but not past the buffer', () => {
    // Payload { header: Header(2 bytes) { channel_header: declares 5 } } followed by data.
    const bytes = Uint8Array.from([...delimited(1, [0x0a, 0x05]), ...delimited(2, [1, 2, 3, 4, 5, 6])]);
    expect(() => prescanWire(bytes)).not.toThrow();
    expect(malformed(() => decodeBounded(common.Payload, bytes)).message).toMatch(/declares 5 bytes, 0 remain/);
  });

  it('refuses truncated fixed-width values, groups and field 0 inside nested messages', () => {
    // Block { header: BlockHeader { 0x09 = fixed64 field 1 with 2 bytes } }
    expect(malformed(() => decodeBounded(common.Block, Uint8Array.from(delimited(1, [0x09, 1, 2])))).message).toMatch(/truncated fixed64/);
    expect(malformed(() => decodeBounded(common.Block, Uint8Array.from(delimited(1, [0x0b, 0x0c])))).message).toMatch(/wire type 3/);
    expect(malformed(() => decodeBounded(common.Block, Uint8Array.from(delimited(1, [0x00, 0x00])))).message).toMatch(/field number 0/);
    expect(malformed(() => decodeBounded(common.Block, Uint8Array.from(delimited(1, [0x08, 0x80])))).message).toMatch(/truncated varint/);
  });

  it('refuses an unknown nested field whose length leaves the message (skipped fields are bounded too)', () => {
    const bytes = Uint8Array.from(delimited(1, [0x7a, ...FREEZE.slice(1)]));
    expect(malformed(() => decodeBounded(orderer.SeekInfo, bytes)).message).toMatch(/field 15 declares/);
  });

  it('on mutations of a valid nested message answers or throws the typed error, never hangs', () => {
    const valid = [...seekInfo().serializeBinary()];
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      fc.uint8Array({ maxLength: 8 }),
      (edits, tail) => {
        const bytes = Uint8Array.from(valid);
        for (const [at, value] of edits) bytes[at] = value;
        const input = Uint8Array.from([...bytes, ...tail]);
        try {
          decodeBounded(orderer.SeekInfo, input);
        } catch (error) {
          expect(error).toBeInstanceOf(MalformedProtobufError);
        }
      },
    ), { numRuns: 3000 });
  });
});
