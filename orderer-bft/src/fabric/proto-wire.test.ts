import { common } from '@hyperledger/fabric-protos';
import { describe, expect, it } from 'vitest';
import { decodeBlockMetadataEntry, decodeIdentifierHeader, encodeBlockMetadataEntry, encodeIdentifierHeader } from './block-metadata.js';
import { decodeOrderers, encodeOrderers } from './consenter-mapping.js';
import { decodeWire, encodeWire } from './proto-wire.js';

describe('protobuf wire codec for the Fabric 3 messages fabric-protos 0.3 lacks', () => {
  it('encodes exactly as google-protobuf does for the fields both know (Metadata value + signatures)', () => {
    const sig = new common.MetadataSignature();
    sig.setSignatureHeader(Uint8Array.of(1, 2));
    sig.setSignature(Uint8Array.of(3, 4, 5));
    const reference = new common.Metadata();
    reference.setValue(Uint8Array.of(9, 9, 9));
    reference.setSignaturesList([sig, new common.MetadataSignature()]);
    const ours = encodeBlockMetadataEntry({
      value: Uint8Array.of(9, 9, 9),
      signatures: [
        { signatureHeader: Uint8Array.of(1, 2), signature: Uint8Array.of(3, 4, 5), identifierHeader: new Uint8Array(0) },
        { signatureHeader: new Uint8Array(0), signature: new Uint8Array(0), identifierHeader: new Uint8Array(0) },
      ],
    });
    expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(reference.serializeBinary()).toString('hex'));
    expect(decodeBlockMetadataEntry(ours)!.signatures).toHaveLength(2);
  });

  it('round-trips identifier headers with multi-byte varints', () => {
    for (const identifier of [0, 1, 127, 128, 300, 0xffff_ffff]) {
      const nonce = Uint8Array.of(7, 8);
      expect(decodeIdentifierHeader(encodeIdentifierHeader({ identifier, nonce }))).toEqual({ identifier, nonce });
    }
    expect(decodeIdentifierHeader(encodeWire([{ field: 1, varint: 2n ** 33n }]))).toBeUndefined();
  });

  it('round-trips the Orderers consenter mapping', () => {
    const consenters = [
      { id: 1, host: 'o1', port: 7050, mspId: 'OrdererMSP', certPem: 'PEM1', serverTlsCertPem: 'TLS' },
      { id: 2, host: 'o2', port: 7051, mspId: 'OrdererMSP', certPem: 'PEM2' },
    ];
    expect(decodeOrderers(encodeOrderers(consenters))).toEqual(consenters);
  });

  it('rejects truncated or invalid wire data instead of throwing', () => {
    expect(decodeWire(Uint8Array.of(0x0a, 0x05, 1))).toBeUndefined();
    expect(decodeWire(Uint8Array.of(0x80))).toBeUndefined();
    expect(decodeWire(Uint8Array.of(0x0b))).toBeUndefined();
    expect(decodeWire(Uint8Array.of(0x00, 0x01))).toBeUndefined();
    expect(decodeOrderers(Uint8Array.of(0x0a, 0x02, 0x18, 0xff))).toBeUndefined();
  });
});
