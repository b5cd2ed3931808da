import { common } from '@hyperledger/fabric-protos';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Proposal, ProposalContext } from '../core/dependencies.js';
import { decodeIdentifierHeader, decodeMetadataSignature } from './block-metadata.js';
import { createFabricAssembler } from './fabric-assembler.js';
import { createFabricSigner, type FabricSigner } from './fabric-signer.js';
import { createFabricVerifier } from './fabric-verifier.js';
import { makeEnvelope, testNetwork, type TestNetwork } from './test-support/fixtures.js';

let net: TestNetwork;
let signers: FabricSigner[];
let proposal: Proposal;
const context: ProposalContext = { sequence: 1, view: 0, digest: 'ab'.repeat(32) };

beforeAll(async () => {
  net = await testNetwork(4);
  signers = net.orderers.map((o, i) => createFabricSigner({ consenterId: i + 1, mspId: o.mspId, certPem: o.certPem, privateKeyPem: o.privateKeyPem }));
  const genesis = new common.BlockHeader();
  proposal = createFabricAssembler().assemble([makeEnvelope(net.client)], { sequence: 1, previousHeader: genesis.serializeBinary() });
});

describe('Fabric signer and verifier: protocol messages', () => {
  it('verifies a replica\'s message signature and rejects it for another replica or other data', () => {
    const verifier = createFabricVerifier(net.consenters);
    const data = new TextEncoder().encode('prepare');
    const signature = signers[2]!.sign(data);
    expect(signature.byteLength).toBe(64);
    expect(verifier.verify(2, data, signature)).toBe(true);
    expect(verifier.verify(1, data, signature)).toBe(false);
    expect(verifier.verify(2, new TextEncoder().encode('commit'), signature)).toBe(false);
    expect(verifier.verify(9, data, signature)).toBe(false);
    expect(verifier.verify(2, data, signature.subarray(0, 63))).toBe(false);
  });

  it('rejects the high-S twin of a valid signature (malleability)', () => {
    const verifier = createFabricVerifier(net.consenters);
    const data = new TextEncoder().encode('x');
    const signature = signers[0]!.sign(data);
    const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
    const s = BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`);
    const twin = Buffer.concat([signature.subarray(0, 32), Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex')]);
    expect(verifier.verify(0, data, twin)).toBe(false);
  });
});

describe('Fabric signer and verifier: block signatures', () => {
  it('produces a MetadataSignature with the consenter\'s identifier header and a DER signature', () => {
    const encoded = signers[1]!.signProposal(proposal, context);
    const decoded = decodeMetadataSignature(encoded)!;
    expect(decoded.signatureHeader.byteLength).toBe(0);
    expect(decodeIdentifierHeader(decoded.identifierHeader)!.identifier).toBe(2);
    expect(decoded.signature[0]).toBe(0x30);
    // ECDSA is randomised, but what is signed is derived from (proposal, context) alone.
    const again = decodeMetadataSignature(signers[1]!.signProposal(proposal, context))!;
    expect(again.identifierHeader).toEqual(decoded.identifierHeader);
  });

  it('verifies for the right replica, context and proposal only', () => {
    const verifier = createFabricVerifier(net.consenters);
    const signature = signers[1]!.signProposal(proposal, context);
    expect(verifier.verifyProposalSignature(1, proposal, context, signature)).toBe(true);
    expect(verifier.verifyProposalSignature(0, proposal, context, signature)).toBe(false);
    expect(verifier.verifyProposalSignature(1, proposal, { ...context, view: 1 }, signature)).toBe(false);
    expect(verifier.verifyProposalSignature(1, proposal, { ...context, digest: 'cd'.repeat(32) }, signature)).toBe(false);
    expect(verifier.verifyProposalSignature(1, proposal, { ...context, sequence: 2 }, signature)).toBe(false);
    expect(verifier.verifyProposalSignature(1, { ...proposal, header: Uint8Array.of(1, 2) }, context, signature)).toBe(false);
    expect(verifier.verifyProposalSignature(1, proposal, context, Uint8Array.of(0xff, 0x01))).toBe(false);
  });

  it('refuses to sign a proposal whose block number is not the sequence', () => {
    expect(() => signers[0]!.signProposal(proposal, { ...context, sequence: 5 })).toThrow(expect.objectContaining({ code: 'BAD_PROPOSAL' }));
  });

  it('rejects a key that does not match the certificate', () => {
    const o = net.orderers;
    expect(() => createFabricSigner({ consenterId: 1, mspId: 'OrdererMSP', certPem: o[0]!.certPem, privateKeyPem: o[1]!.privateKeyPem }))
      .toThrow(expect.objectContaining({ code: 'INVALID_IDENTITY' }));
  });

  it('rejects duplicate consenter ids', () => {
    expect(() => createFabricVerifier([net.consenters[0]!, { ...net.consenters[1]!, id: 1 }]))
      .toThrow(expect.objectContaining({ code: 'INVALID_CONSENTERS' }));
  });
});
