import { common } from '@hyperledger/fabric-protos';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Proposal, ProposalContext, Signer, Verifier } from '../core/dependencies.js';
import { decodeMetadataSignature } from '../fabric/block-metadata.js';
import { createFabricAssembler } from '../fabric/fabric-assembler.js';
import { createFabricSigner } from '../fabric/fabric-signer.js';
import { createFabricVerifier } from '../fabric/fabric-verifier.js';
import { makeEnvelope, testNetwork } from '../fabric/test-support/fixtures.js';
import { createGarbageSigner } from './byzantine-signer.js';
import { createEcdsaSigner, createEcdsaVerifier, generateEcdsaKeyPair } from './ecdsa-identity.js';

const context: ProposalContext = { sequence: 1, view: 0, digest: 'cd'.repeat(32) };
const data = new TextEncoder().encode('a protocol message');

interface Identity {
  name: string;
  signer: Signer;
  verifier: Verifier;
  proposal: Proposal;
}
const identities: Identity[] = [];

beforeAll(async () => {
  const keys = [generateEcdsaKeyPair(), generateEcdsaKeyPair()];
  identities.push({
    name: 'runtime ECDSA keys', signer: createEcdsaSigner(keys[1]!.privateKeyPem),
    verifier: createEcdsaVerifier(keys.map((k) => k.publicKeyPem)),
    proposal: { header: new Uint8Array([1, 2, 3]), payload: new Uint8Array([4, 5]) },
  });
  const net = await testNetwork(4);
  const orderer = net.orderers[1]!;
  identities.push({
    name: 'Fabric consenter', signer: createFabricSigner({ consenterId: 2, mspId: orderer.mspId, certPem: orderer.certPem, privateKeyPem: orderer.privateKeyPem }),
    verifier: createFabricVerifier(net.consenters),
    proposal: createFabricAssembler().assemble([makeEnvelope(net.client)], { sequence: 1, previousHeader: new common.BlockHeader().serializeBinary() }),
  });
});

describe('createGarbageSigner (test-only Byzantine signer)', () => {
  it.each([0, 1])('identity %i: the genuine signer verifies; mode "all" garbles messages and proposals', (i) => {
    const { signer, verifier, proposal } = identities[i]!;
    expect(verifier.verify(1, data, signer.sign(data))).toBe(true);
    expect(verifier.verifyProposalSignature(1, proposal, context, signer.signProposal(proposal, context))).toBe(true);
    const garbage = createGarbageSigner(signer, 'all');
    const message = garbage.sign(data);
    expect(verifier.verify(1, data, message)).toBe(false);
    expect(verifier.verifyProposalSignature(1, proposal, context, garbage.signProposal(proposal, context))).toBe(false);
  });

  it.each([0, 1])('identity %i: mode "proposals" keeps message signatures valid and garbles only proposal signatures', (i) => {
    const { signer, verifier, proposal } = identities[i]!;
    const garbage = createGarbageSigner(signer, 'proposals');
    expect(verifier.verify(1, data, garbage.sign(data))).toBe(true);
    expect(verifier.verifyProposalSignature(1, proposal, context, garbage.signProposal(proposal, context))).toBe(false);
  });

  it('keeps a Fabric garbage signature a well-formed MetadataSignature naming the same consenter', () => {
    const { signer, proposal } = identities[1]!;
    const genuine = decodeMetadataSignature(signer.signProposal(proposal, context))!;
    const garbage = decodeMetadataSignature(createGarbageSigner(signer, 'proposals').signProposal(proposal, context))!;
    expect(garbage.identifierHeader).toEqual(genuine.identifierHeader);
    expect(garbage.signature[0]).toBe(0x30);
  });
});
