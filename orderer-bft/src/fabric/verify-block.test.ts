import { common, msp } from '@hyperledger/fabric-protos';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CommitSignature, Decision } from '../core/decision.js';
import type { Proposal } from '../core/dependencies.js';
import { blockHeaderBytes, blockHeaderHash } from './block-hash.js';
import { blockSignaturePayload, decodeBlockMetadataEntry, encodeMetadataSignature, ordererBlockMetadataValue } from './block-metadata.js';
import { blockSigningInput } from './block-signature.js';
import { decisionToBlock } from './decision-to-block.js';
import { loadPrivateKey, signP256 } from './ecdsa.js';
import { createFabricAssembler } from './fabric-assembler.js';
import { createFabricSigner, type FabricSigner } from './fabric-signer.js';
import { makeEnvelope, testNetwork, type TestNetwork } from './test-support/fixtures.js';
import { verifyBlock } from './verify-block.js';

let net: TestNetwork;
let signers: FabricSigner[];
let genesisHeader: common.BlockHeader;
let proposal: Proposal;
const VIEW = 2;

beforeAll(async () => {
  net = await testNetwork(4);
  signers = net.orderers.map((o, i) => createFabricSigner({ consenterId: i + 1, mspId: o.mspId, certPem: o.certPem, privateKeyPem: o.privateKeyPem }));
  genesisHeader = new common.BlockHeader();
  genesisHeader.setDataHash(new Uint8Array(32).fill(7));
  proposal = createFabricAssembler().assemble(
    [makeEnvelope(net.client), makeEnvelope(net.client)],
    { sequence: 1, previousHeader: genesisHeader.serializeBinary() },
  );
});

function decisionSignedBy(replicas: number[], extra: CommitSignature[] = []): Decision {
  const context = { sequence: 1, view: VIEW, digest: 'ef'.repeat(32) };
  const signatures = replicas.map((replica) => ({ replica, signature: signers[replica]!.signProposal(proposal, context) }));
  return { seq: 1, view: VIEW, proposal, digest: context.digest, signatures: [...signatures, ...extra] };
}

/** A signature claiming consenter `claimedId` but made with `keyOf`'s key. */
function forged(decision: Decision, claimedId: number, keyOf: number): CommitSignature {
  const input = blockSigningInput(decision.proposal, { sequence: decision.seq, view: decision.view, digest: decision.digest }, claimedId, 0)!;
  const signature = signP256(loadPrivateKey(net.orderers[keyOf]!.privateKeyPem), input.payload, 'der');
  return { replica: claimedId - 1, signature: encodeMetadataSignature({ signatureHeader: new Uint8Array(0), signature, identifierHeader: input.identifierHeader }) };
}

function verify(block: common.Block, quorum = 3, previousHeaderHash: Uint8Array | undefined = blockHeaderHash(genesisHeader)) {
  return verifyBlock(block, { consenters: net.consenters, quorum, ...(previousHeaderHash ? { previousHeaderHash } : {}) });
}

describe('decisionToBlock', () => {
  it('builds a common.Block that survives serialisation and verifies', () => {
    const block = common.Block.deserializeBinary(decisionToBlock(decisionSignedBy([0, 1, 2, 3])).serializeBinary());
    expect(block.getHeader()!.getNumber()).toBe(1);
    expect(block.getData()!.getDataList()).toHaveLength(2);
    const metadata = block.getMetadata()!.getMetadataList_asU8();
    expect(metadata).toHaveLength(5);
    expect(metadata[common.BlockMetadataIndex.TRANSACTIONS_FILTER]).toEqual(new Uint8Array(2));
    const lastConfig = common.LastConfig.deserializeBinary(common.Metadata.deserializeBinary(metadata[common.BlockMetadataIndex.LAST_CONFIG]!).getValue_asU8());
    expect(lastConfig.getIndex()).toBe(0);
    const signatures = decodeBlockMetadataEntry(metadata[common.BlockMetadataIndex.SIGNATURES]!)!;
    const obm = common.OrdererBlockMetadata.deserializeBinary(signatures.value);
    expect(obm.getLastConfig()!.getIndex()).toBe(0);
    expect(signatures.value).toEqual(ordererBlockMetadataValue(0, VIEW, 1));
    expect(verify(block)).toEqual({ ok: true, number: 1, signers: [1, 2, 3, 4] });
  });

  it('refuses a decision whose proposal is not a Fabric block', () => {
    const decision = decisionSignedBy([0, 1, 2]);
    expect(() => decisionToBlock({ ...decision, proposal: { header: Uint8Array.of(9, 9), payload: decision.proposal.payload } }))
      .toThrow(expect.objectContaining({ code: 'INVALID_DECISION' }));
  });
});

describe('verifyBlock', () => {
  it('BAD_DATA_HASH when an envelope is replaced', () => {
    const block = decisionToBlock(decisionSignedBy([0, 1, 2, 3]));
    block.getData()!.setDataList([makeEnvelope(net.client), block.getData()!.getDataList_asU8()[1]!]);
    expect(verify(block)).toMatchObject({ ok: false, code: 'BAD_DATA_HASH', number: 1 });
  });

  it('BROKEN_CHAIN when the previous hash is not the given header hash', () => {
    expect(verify(decisionToBlock(decisionSignedBy([0, 1, 2])), 3, new Uint8Array(32))).toMatchObject({ ok: false, code: 'BROKEN_CHAIN' });
    expect(verify(decisionToBlock(decisionSignedBy([0, 1, 2])), 3, undefined)).toMatchObject({ ok: true });
  });

  it('counts a forged signature out: ok with 3 valid of 4, insufficient with 2 valid + 1 forged', () => {
    const base = decisionSignedBy([0, 1, 2]);
    const fourth = forged(base, 4, 0);
    expect(verify(decisionToBlock({ ...base, signatures: [...base.signatures, fourth] }))).toEqual({ ok: true, number: 1, signers: [1, 2, 3] });
    const two = decisionSignedBy([0, 1]);
    expect(verify(decisionToBlock({ ...two, signatures: [...two.signatures, forged(two, 3, 0)] })))
      .toMatchObject({ ok: false, code: 'INSUFFICIENT_SIGNATURES', signers: [1, 2] });
  });

  it('counts a duplicate signer once', () => {
    const decision = decisionSignedBy([0, 1]);
    const again = decisionSignedBy([0]).signatures[0]!;
    expect(verify(decisionToBlock({ ...decision, signatures: [...decision.signatures, again] })))
      .toMatchObject({ ok: false, code: 'INSUFFICIENT_SIGNATURES', signers: [1, 2] });
  });

  it('ignores signers outside the consenter set', () => {
    const decision = decisionSignedBy([0, 1]);
    const stranger = forged(decision, 99, 3);
    expect(verify(decisionToBlock({ ...decision, signatures: [...decision.signatures, stranger] })))
      .toMatchObject({ ok: false, code: 'INSUFFICIENT_SIGNATURES' });
    // The same consenter set minus consenter 4 cannot verify 4's signature either.
    const full = decisionToBlock(decisionSignedBy([0, 1, 3]));
    expect(verifyBlock(full, { consenters: net.consenters.slice(0, 3), quorum: 3 })).toMatchObject({ ok: false, code: 'INSUFFICIENT_SIGNATURES' });
  });

  it('fails signatures when the header is altered after signing', () => {
    const block = decisionToBlock(decisionSignedBy([0, 1, 2, 3]));
    block.getHeader()!.setNumber(2);
    expect(verify(block)).toMatchObject({ ok: false, code: 'INSUFFICIENT_SIGNATURES', signers: [] });
  });

  it('accepts the classic signature-header form (creator identity instead of an id)', () => {
    const block = decisionToBlock(decisionSignedBy([0, 1]));
    const metadata = block.getMetadata()!.getMetadataList_asU8();
    const entry = decodeBlockMetadataEntry(metadata[0]!)!;
    const creator = new msp.SerializedIdentity();
    creator.setMspid('OrdererMSP');
    creator.setIdBytes(new TextEncoder().encode(net.orderers[2]!.certPem));
    const sigHeader = new common.SignatureHeader();
    sigHeader.setCreator(creator.serializeBinary());
    sigHeader.setNonce(Uint8Array.of(1, 2, 3));
    const headerBytes = sigHeader.serializeBinary();
    const payload = blockSignaturePayload(entry.value, headerBytes, blockHeaderBytes(block.getHeader()!));
    const signature = signP256(loadPrivateKey(net.orderers[2]!.privateKeyPem), payload, 'der');
    const decision = decisionSignedBy([0, 1]);
    const extra = { replica: 2, signature: encodeMetadataSignature({ signatureHeader: headerBytes, signature, identifierHeader: new Uint8Array(0) }) };
    expect(verify(decisionToBlock({ ...decision, signatures: [...decision.signatures, extra] }))).toEqual({ ok: true, number: 1, signers: [1, 2, 3] });
  });

  it('MALFORMED_BLOCK for a missing header or garbage SIGNATURES metadata', () => {
    const noHeader = decisionToBlock(decisionSignedBy([0, 1, 2]));
    noHeader.clearHeader();
    expect(verify(noHeader)).toMatchObject({ ok: false, code: 'MALFORMED_BLOCK' });
    const garbage = decisionToBlock(decisionSignedBy([0, 1, 2]));
    const list = garbage.getMetadata()!.getMetadataList_asU8();
    garbage.getMetadata()!.setMetadataList([Uint8Array.of(0x0a, 0x7f, 0x01), ...list.slice(1)]);
    expect(verify(garbage)).toMatchObject({ ok: false, code: 'MALFORMED_BLOCK' });
    const none = decisionToBlock(decisionSignedBy([0, 1, 2]));
    none.getMetadata()!.setMetadataList([]);
    expect(verify(none)).toMatchObject({ ok: false, code: 'MALFORMED_BLOCK' });
  });

  it('throws on an impossible quorum (configuration error, not block content)', () => {
    expect(() => verify(decisionToBlock(decisionSignedBy([0, 1, 2])), 0)).toThrow(expect.objectContaining({ code: 'INVALID_CONSENTERS' }));
  });
});
