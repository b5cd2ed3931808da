import { common } from '@hyperledger/fabric-protos';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalBlockDataEntries, isCanonicalSignedEnvelope } from './canonical-wire.js';
import { parseCanonical } from './proto-parse.js';
import { makeEnvelope, testNetwork } from './test-support/fixtures.js';

// The reference: parse with google-protobuf, re-serialise, compare (what the recognisers replace).
function referenceEntries(bytes: Uint8Array): Uint8Array[] | undefined {
  return parseCanonical(common.BlockData, bytes)?.getDataList_asU8();
}
function referenceEnvelope(bytes: Uint8Array): boolean {
  const envelope = parseCanonical(common.Envelope, bytes);
  return envelope !== undefined && envelope.getPayload_asU8().byteLength > 0 && envelope.getSignature_asU8().byteLength > 0;
}

/** Small deterministic PRNG (mulberry32) so that the mutation corpus is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  const at = Math.floor(random() * (bytes.byteLength + 1));
  const copy = Buffer.from(bytes);
  switch (Math.floor(random() * 7)) {
    case 0: if (at < copy.byteLength) copy[at] = Math.floor(random() * 256); return copy;
    case 1: return copy.subarray(0, at);
    case 2: return Buffer.concat([copy.subarray(0, at), Buffer.from([Math.floor(random() * 256)]), copy.subarray(at)]);
    case 3: return Buffer.concat([copy, Buffer.from([0x1a, 0x01, 0x00])]); // unknown field 3
    case 4: return Buffer.concat([copy, copy.subarray(0, Math.min(copy.byteLength, at))]);
    case 5: return Buffer.concat([copy.subarray(0, 1), Buffer.from([0x80 | (copy[1] ?? 0), 0x00]), copy.subarray(2)]); // non-minimal length
    default: return Buffer.concat([Buffer.from([0x0a, 0x00]), copy]); // an empty entry first
  }
}

let envelopes: Uint8Array[];
let blockData: Uint8Array;

beforeAll(async () => {
  const net = await testNetwork(4);
  envelopes = [makeEnvelope(net.client), makeEnvelope(net.client, { data: new Uint8Array(300) }), makeEnvelope(net.client, { data: new Uint8Array(0) })];
  const data = new common.BlockData();
  data.setDataList(envelopes);
  blockData = data.serializeBinary();
});

describe('canonical wire recognisers', () => {
  it('split canonical BlockData into its entries and accept canonical signed envelopes', () => {
    expect(canonicalBlockDataEntries(blockData)?.map((e) => Buffer.from(e).toString('hex'))).toEqual(envelopes.map((e) => Buffer.from(e).toString('hex')));
    expect(canonicalBlockDataEntries(new Uint8Array(0))).toEqual([]);
    for (const envelope of envelopes) expect(isCanonicalSignedEnvelope(envelope)).toBe(true);
  });

  it('agree with parse + re-serialise on 3,000 mutated block data and envelopes', () => {
    const random = prng(20_261_122);
    let accepted = 0;
    let split = 0;
    for (let i = 0; i < 1_500; i += 1) {
      const data = mutate(blockData, random);
      const expected = referenceEntries(data)?.map((e) => Buffer.from(e).toString('hex'));
      expect(canonicalBlockDataEntries(data)?.map((e) => Buffer.from(e).toString('hex'))).toEqual(expected);
      if (expected !== undefined) split += 1;
      const envelope = mutate(envelopes[i % envelopes.length]!, random);
      const ok = referenceEnvelope(envelope);
      expect(isCanonicalSignedEnvelope(envelope)).toBe(ok);
      if (ok) accepted += 1;
    }
    // The corpus must exercise both answers, or the comparison proves nothing.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(1_500);
    expect(split).toBeGreaterThan(0);
    expect(split).toBeLessThan(1_500);
  });

  it('refuse envelopes without a payload or a signature, with fields swapped, or with trailing bytes', () => {
    const envelope = common.Envelope.deserializeBinary(envelopes[0]!);
    const payload = envelope.getPayload_asU8();
    const signature = envelope.getSignature_asU8();
    const field = (tag: number, bytes: Uint8Array): Buffer => Buffer.concat([Buffer.from([tag, ...varint(bytes.byteLength)]), bytes]);
    expect(isCanonicalSignedEnvelope(field(0x0a, payload))).toBe(false);
    expect(isCanonicalSignedEnvelope(field(0x12, signature))).toBe(false);
    expect(isCanonicalSignedEnvelope(Buffer.concat([field(0x12, signature), field(0x0a, payload)]))).toBe(false);
    expect(isCanonicalSignedEnvelope(Buffer.concat([field(0x0a, payload), field(0x12, signature)]))).toBe(true);
    expect(isCanonicalSignedEnvelope(Buffer.concat([field(0x0a, payload), field(0x12, signature), Buffer.from([0])]))).toBe(false);
    expect(isCanonicalSignedEnvelope(new Uint8Array(0))).toBe(false);
  });
});

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
