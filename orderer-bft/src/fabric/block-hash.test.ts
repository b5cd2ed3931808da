import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import { common } from '@hyperledger/fabric-protos';
import { describe, expect, it } from 'vitest';
import { blockDataHash, blockHeaderBytes, blockHeaderHash } from './block-hash.js';

/** An independent DER encoding of Fabric's asn1Header, built with asn1js. */
function referenceHeaderBytes(number: bigint, previousHash: Uint8Array, dataHash: Uint8Array): Uint8Array {
  const sequence = new asn1js.Sequence({
    value: [
      asn1js.Integer.fromBigInt(number),
      new asn1js.OctetString({ valueHex: previousHash }),
      new asn1js.OctetString({ valueHex: dataHash }),
    ],
  });
  return new Uint8Array(sequence.toBER(false));
}

describe('block header bytes (Fabric protoutil.BlockHeaderBytes)', () => {
  const cases: Array<[bigint, number, number]> = [
    [0n, 0, 0], [1n, 32, 32], [127n, 32, 32], [128n, 32, 32], [255n, 0, 32], [256n, 32, 0],
    [65_535n, 32, 32], [2n ** 53n - 1n, 32, 32], [2n ** 64n - 1n, 200, 32],
  ];
  for (const [number, prevLength, dataLength] of cases) {
    it(`matches an independent DER encoding for number ${number}, ${prevLength}/${dataLength}-byte hashes`, () => {
      const previousHash = new Uint8Array(prevLength).map((_, i) => (i * 7 + 3) & 0xff);
      const dataHash = new Uint8Array(dataLength).map((_, i) => (i * 13 + 1) & 0xff);
      const ours = blockHeaderBytes({ number, previousHash, dataHash });
      expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(referenceHeaderBytes(number, previousHash, dataHash)).toString('hex'));
      expect(blockHeaderHash({ number, previousHash, dataHash })).toEqual(new Uint8Array(createHash('sha256').update(ours).digest()));
    });
  }

  it('accepts a protobuf common.BlockHeader and gives the same bytes as the plain fields', () => {
    const header = new common.BlockHeader();
    header.setNumber(42);
    header.setPreviousHash(new Uint8Array(32).fill(1));
    header.setDataHash(new Uint8Array(32).fill(2));
    expect(blockHeaderBytes(header)).toEqual(
      blockHeaderBytes({ number: 42, previousHash: new Uint8Array(32).fill(1), dataHash: new Uint8Array(32).fill(2) }),
    );
  });
});

describe('block data hash (Fabric 2.x+ ComputeBlockDataHash)', () => {
  it('is SHA-256 of the concatenated envelopes, the same for BlockData and a list', () => {
    const envelopes = [Uint8Array.of(1, 2, 3), Uint8Array.of(4), new Uint8Array(0), Uint8Array.of(5, 6)];
    const expected = createHash('sha256').update(Buffer.from([1, 2, 3, 4, 5, 6])).digest();
    expect(Buffer.from(blockDataHash(envelopes))).toEqual(expected);
    const data = new common.BlockData();
    data.setDataList(envelopes);
    expect(blockDataHash(data)).toEqual(blockDataHash(envelopes));
  });

  it('of no envelopes is SHA-256 of the empty string', () => {
    expect(Buffer.from(blockDataHash([])).toString('hex')).toBe(createHash('sha256').digest('hex'));
  });
});
