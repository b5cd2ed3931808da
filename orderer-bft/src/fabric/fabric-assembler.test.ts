import { common } from '@hyperledger/fabric-protos';
import { describe, expect, it } from 'vitest';
import { blockDataHash, blockHeaderHash } from './block-hash.js';
import { createFabricAssembler, parseBlockHeader } from './fabric-assembler.js';

function genesisHeader(): Uint8Array {
  const header = new common.BlockHeader();
  header.setNumber(0);
  header.setDataHash(new Uint8Array(32).fill(9));
  return header.serializeBinary();
}

function envelope(text: string): Uint8Array {
  const env = new common.Envelope();
  env.setPayload(new TextEncoder().encode(text));
  env.setSignature(Uint8Array.of(1, 2, 3));
  return env.serializeBinary();
}

describe('Fabric assembler', () => {
  const assembler = createFabricAssembler();
  const requests = [envelope('a'), envelope('bb'), envelope('ccc')];

  it('builds a chained common.BlockHeader and a common.BlockData, and round-trips', () => {
    const proposal = assembler.assemble(requests, { sequence: 1, previousHeader: genesisHeader() });
    const header = common.BlockHeader.deserializeBinary(proposal.header);
    expect(header.getNumber()).toBe(1);
    expect(header.getPreviousHash_asU8()).toEqual(blockHeaderHash(common.BlockHeader.deserializeBinary(genesisHeader())));
    expect(header.getDataHash_asU8()).toEqual(blockDataHash(requests));
    expect(common.BlockData.deserializeBinary(proposal.payload).getDataList_asU8()).toEqual(requests);
    expect(assembler.disassemble(proposal)).toEqual(requests);
  });

  it('is deterministic and chains block n+1 to block n', () => {
    const first = assembler.assemble(requests, { sequence: 1, previousHeader: genesisHeader() });
    expect(assembler.assemble(requests, { sequence: 1, previousHeader: genesisHeader() })).toEqual(first);
    const second = assembler.assemble([envelope('d')], { sequence: 2, previousHeader: first.header });
    expect(parseBlockHeader(second.header)!.getPreviousHash_asU8()).toEqual(blockHeaderHash(parseBlockHeader(first.header)!));
  });

  it('rejects a payload that does not match the header data hash', () => {
    const proposal = assembler.assemble(requests, { sequence: 1, previousHeader: genesisHeader() });
    const other = assembler.assemble([envelope('x')], { sequence: 1, previousHeader: genesisHeader() });
    expect(assembler.disassemble({ header: proposal.header, payload: other.payload })).toBeUndefined();
  });

  it('rejects a re-split payload with the same concatenated bytes (not well-formed envelopes)', () => {
    const proposal = assembler.assemble(requests, { sequence: 1, previousHeader: genesisHeader() });
    const joined = Buffer.concat(requests);
    const split = new common.BlockData();
    split.setDataList([joined.subarray(0, 3), joined.subarray(3)]);
    expect(assembler.disassemble({ header: proposal.header, payload: split.serializeBinary() })).toBeUndefined();
  });

  it('rejects malformed header or payload bytes without throwing', () => {
    const proposal = assembler.assemble(requests, { sequence: 1, previousHeader: genesisHeader() });
    expect(assembler.disassemble({ header: Uint8Array.of(0xff, 0xff, 0xff), payload: proposal.payload })).toBeUndefined();
    expect(assembler.disassemble({ header: proposal.header, payload: Uint8Array.of(0x0a, 0x50, 1) })).toBeUndefined();
    // Valid wire format with an unknown field: not canonical, so two replicas could read it differently.
    expect(assembler.disassemble({ header: proposal.header, payload: Buffer.concat([proposal.payload, Buffer.from([0x10, 0x01])]) })).toBeUndefined();
  });

  it('rejects a request that is not a Fabric envelope', () => {
    const raw = [new TextEncoder().encode('not an envelope')];
    const proposal = assembler.assemble(raw, { sequence: 1, previousHeader: genesisHeader() });
    expect(assembler.disassemble(proposal)).toBeUndefined();
  });
});
