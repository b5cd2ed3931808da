import './test-support/quiet-logs.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { common, peer } from '@hyperledger/fabric-protos';
import { parseContractError } from '@speedledger/lr-chaincode/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPackage } from '../chaincode/adapters/install-package.js';
import { loadChaincode, type LoadedChaincode } from '../chaincode/adapters/load-chaincode.js';
import type { SystemChaincode } from '../chaincode/chaincode-response.js';
import type { SigningIdentity } from '../msp/index.js';
import { verifySignature } from '../msp/index.js';
import { encodeDefinition } from '../lifecycle/definition-codec.js';
import { decodeReadWriteSet } from '../simulation/read-write-set.js';
import { MemoryWorldState } from '../simulation/test-support/memory-world-state.js';
import { createEndorser, type Endorser } from './create-endorser.js';
import { rejectionCodeOf } from './endorsement-rejection.js';
import { decodeProposal, proposalHash } from './proposal-parts.js';
import { buildProposal, endorsementNetwork, serializedIdentity, type EndorsementNetwork, type ProposalSpec } from './test-support/endorsement-network.js';
import { buildLrChaincodePackage } from './test-support/lr-chaincode-package.js';
import { TEST_SITE, testMeter } from './test-support/test-meter.js';

type ProposalResponse = InstanceType<typeof peer.ProposalResponse>;
const CC = 'lr-chaincode';

function actionOf(response: ProposalResponse) {
  const prp = peer.ProposalResponsePayload.deserializeBinary(response.getPayload_asU8());
  return { prp, action: peer.ChaincodeAction.deserializeBinary(prp.getExtension_asU8()) };
}

describe('createEndorser over the real lr-chaincode package', () => {
  let net: EndorsementNetwork;
  let loaded: LoadedChaincode;
  /** A second peer's container for the same installed package. */
  let loadedB: LoadedChaincode;
  let root: string;
  let packageDir: string;
  let state: MemoryWorldState;
  let committed: Set<string>;
  let nonce = 0;
  const echo: SystemChaincode = {
    name: '_echo',
    async invoke(call) {
      call.simulator.putState('_echo', 'last', call.args[0] ?? new Uint8Array());
      return { status: 200, message: call.creator.mspId, payload: Buffer.from(call.txId) };
    },
  };

  const endorser = (signer: SigningIdentity, container = loaded.container, sequence?: number): Endorser =>
    createEndorser({
      channelId: 'speedledger',
      signer,
      deserialize: net.deserialize,
      state,
      history: state,
      txIdCommitted: (txId) => committed.has(txId),
      systemChaincodes: [echo],
      resolveChaincode: async (name) =>
        name === CC ? { container, version: '1.0', ...(sequence === undefined ? {} : { sequence }) } : { refusal: { code: 'CHAINCODE_NOT_DEFINED', message: `[CHAINCODE_NOT_DEFINED] chaincode ${name} is not defined` } },
    });
  const propose = (spec: Omit<ProposalSpec, 'nonce'> & { nonce?: string }) => buildProposal({ nonce: `n-${++nonce}`, ...spec });
  /** Endorses and, on success, commits the rwset (as if ordered and validated). */
  const submit = async (signer: SigningIdentity, args: (string | Uint8Array)[]) => {
    const { signed, txId } = propose({ signer, chaincode: CC, args });
    const response = await endorser(net.inmetroPeer).processProposal(signed);
    expect(response.getResponse()?.getMessage(), `${args[0]}`).toBe('');
    expect(response.getResponse()?.getStatus()).toBe(200);
    state.commit(actionOf(response).action.getResults_asU8(), txId);
    committed.add(txId);
    return response;
  };
  const meter = testMeter('SP-0100');

  beforeAll(async () => {
    const built = buildLrChaincodePackage();
    packageDir = built.dir;
    root = mkdtempSync(join(tmpdir(), 'peer-endorser-'));
    const installed = installPackage(built.bytes, root);
    [net, loaded] = await Promise.all([endorsementNetwork(), loadChaincode(installed.dir, { name: CC, version: '1.0' })]);
    loadedB = await loadChaincode(installed.dir, { name: CC, version: '1.0' });
    state = new MemoryWorldState();
    committed = new Set();
    await submit(net.inmetroRegistrar, ['Governance:Init', JSON.stringify({ notifiedBodies: ['InmetroMSP', 'PTBMSP'], registrationQuorum: 2 })]);
    // Quorum 2 of 2: the bundle's registrationPolicy crashes for k < n (fabric-protos default-import interop).
    const registered = await submit(net.ptbRegistrar, ['MeterRegistry:RegisterMeter', meter.meterId, meter.publicKeyHex, JSON.stringify(TEST_SITE)]);
    const metadata = decodeReadWriteSet(actionOf(registered).action.getResults_asU8()).namespaces.find((n) => n.namespace === CC)!.metadataWrites;
    expect(metadata.map((m) => m.entries.map((e) => e.name))).toEqual([['VALIDATION_PARAMETER']]);
  }, 120_000);

  afterAll(() => {
    loaded?.container.close();
    loadedB?.container.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(packageDir, { recursive: true, force: true });
  });

  it('endorses SubmitReading: decodable rwset with versioned reads, event, response, signed endorsement', async () => {
    const { signed, txId } = propose({ signer: net.cityOperator, chaincode: CC, args: ['SpeedMeasurement:SubmitReading', meter.reading(1)] });
    const response = await endorser(net.inmetroPeer).processProposal(signed);
    expect(response.getResponse()?.getStatus()).toBe(200);
    const { prp, action } = actionOf(response);
    const parts = decodeProposal(signed);
    if ('code' in parts) throw new Error(parts.message);
    expect(Buffer.from(prp.getProposalHash_asU8()).equals(Buffer.from(proposalHash(parts)))).toBe(true);
    expect(action.getChaincodeId()?.getName()).toBe(CC);
    expect(action.getChaincodeId()?.getVersion()).toBe('1.0');
    expect(JSON.parse(Buffer.from(action.getResponse()!.getPayload_asU8()).toString()).meterId).toBe('SP-0100');
    const event = peer.ChaincodeEvent.deserializeBinary(action.getEvents_asU8());
    expect([event.getChaincodeId(), event.getTxId(), event.getEventName()]).toEqual([CC, txId, 'ReadingSubmitted']);
    const rwset = decodeReadWriteSet(action.getResults_asU8());
    const ns = rwset.namespaces.find((n) => n.namespace === CC)!;
    expect(ns.writes.length).toBeGreaterThan(0);
    expect(ns.reads.some((r) => r.version !== undefined)).toBe(true);
    expect(ns.reads.some((r) => r.version === undefined)).toBe(true);
    const endorsement = response.getEndorsement()!;
    expect(Buffer.from(endorsement.getEndorser_asU8()).equals(Buffer.from(net.inmetroPeer.serialized))).toBe(true);
    const peerIdentity = net.deserialize(endorsement.getEndorser_asU8());
    if ('error' in peerIdentity) throw new Error(peerIdentity.error);
    const signedBytes = Buffer.concat([response.getPayload_asU8(), endorsement.getEndorser_asU8()]);
    expect(verifySignature(peerIdentity, signedBytes, endorsement.getSignature_asU8())).toBe(true);
  });

  it('two endorsers over the same state sign byte-identical payloads', async () => {
    const { signed } = propose({ signer: net.cityOperator, chaincode: CC, args: ['SpeedMeasurement:SubmitReading', meter.reading(2)] });
    // Same proposal to two peers (own containers), concurrently.
    const copy = peer.SignedProposal.deserializeBinary(signed.serializeBinary());
    const [a, b] = await Promise.all([endorser(net.inmetroPeer).processProposal(signed), endorser(net.ptbPeer, loadedB.container).processProposal(copy)]);
    expect(a.getResponse()?.getStatus()).toBe(200);
    expect(Buffer.from(a.getPayload_asU8()).equals(Buffer.from(b.getPayload_asU8()))).toBe(true);
    expect(Buffer.from(a.getEndorsement()!.getEndorser_asU8()).equals(Buffer.from(b.getEndorsement()!.getEndorser_asU8()))).toBe(false);
  });

  it('runs concurrent transactions on one container', async () => {
    const proposals = [3, 4, 5, 6].map((seq) => propose({ signer: net.cityOperator, chaincode: CC, args: ['SpeedMeasurement:SubmitReading', meter.reading(seq)] }));
    const responses = await Promise.all(proposals.map((p) => endorser(net.inmetroPeer).processProposal(p.signed)));
    const seqs = responses.map((r) => JSON.parse(Buffer.from(r.getResponse()!.getPayload_asU8()).toString()).seq);
    expect(seqs).toEqual(['3', '4', '5', '6']);
  });

  it('serves history and pagination to the chaincode (GetMeterHistory, ListMeters)', async () => {
    const history = await endorser(net.inmetroPeer).processProposal(propose({ signer: net.cityOperator, chaincode: CC, args: ['MeterRegistry:GetMeterHistory', meter.meterId] }).signed);
    expect(history.getResponse()?.getStatus()).toBe(200);
    expect(Buffer.from(history.getResponse()!.getPayload_asU8()).toString()).toContain(meter.meterId);
    const list = await endorser(net.inmetroPeer).processProposal(propose({ signer: net.cityOperator, chaincode: CC, args: ['MeterRegistry:ListMeters', '10', ''] }).signed);
    expect(list.getResponse()?.getStatus()).toBe(200);
    expect(Buffer.from(list.getResponse()!.getPayload_asU8()).toString()).toContain(meter.meterId);
  });

  it('returns a forged reading unendorsed with the chaincode status and BAD_SIGNATURE code', async () => {
    const forged = meter.reading(7);
    forged[200]! ^= 0x01;
    const response = await endorser(net.inmetroPeer).processProposal(propose({ signer: net.cityOperator, chaincode: CC, args: ['SpeedMeasurement:SubmitReading', forged] }).signed);
    expect(response.getResponse()!.getStatus()).toBeGreaterThanOrEqual(400);
    expect(parseContractError(response.getResponse()!.getMessage())?.code).toBe('BAD_SIGNATURE');
    expect(response.hasEndorsement()).toBe(false);
    expect(response.getPayload_asU8()).toHaveLength(0);
  });

  it('dispatches system chaincodes by name with the deserialised creator', async () => {
    const { signed, txId } = propose({ signer: net.cityOperator, chaincode: '_echo', args: ['hello'] });
    const response = await endorser(net.inmetroPeer).processProposal(signed);
    expect(response.getResponse()?.getMessage()).toBe('CityOperatorMSP');
    const { action } = actionOf(response);
    expect(action.getChaincodeId()?.getVersion()).toBe('syscc');
    expect(Buffer.from(action.getResponse()!.getPayload_asU8()).toString()).toBe(txId);
    expect(decodeReadWriteSet(action.getResults_asU8()).namespaces[0]!.writes[0]!.key).toBe('last');
  });

  it('leaves the transient map out of the proposal hash', async () => {
    const withTransient = propose({ signer: net.cityOperator, chaincode: '_echo', args: ['x'], nonce: 'fixed-transient', transient: { secret: Buffer.from('s') } });
    const without = propose({ signer: net.cityOperator, chaincode: '_echo', args: ['x'], nonce: 'fixed-transient' });
    const [a, b] = [decodeProposal(withTransient.signed), decodeProposal(without.signed)];
    if ('code' in a || 'code' in b) throw new Error('decode failed');
    expect(Buffer.from(a.payloadBytes).equals(Buffer.from(b.payloadBytes))).toBe(false);
    expect(Buffer.from(proposalHash(a)).equals(Buffer.from(proposalHash(b)))).toBe(true);
  });

  it("reads the chaincode's committed definition through the simulator (in the read set, as Fabric), and refuses when it changed under the proposal", async () => {
    const definition = (sequence: number) => encodeDefinition({
      name: CC, version: `1.${sequence}`, sequence, packageSha256: 'ab'.repeat(32), endorsementPolicy: "OR('InmetroMSP.peer')", applicationPolicy: Uint8Array.of(1),
    });
    state.put('_lifecycle', `definitions/${CC}`, definition(1));
    const version = (await state.get('_lifecycle', `definitions/${CC}`))!.version;
    const response = await endorser(net.inmetroPeer, loaded.container, 1).processProposal(propose({ signer: net.cityOperator, chaincode: CC, args: ['SpeedMeasurement:SubmitReading', meter.reading(20)] }).signed);
    expect(response.getResponse()?.getStatus()).toBe(200);
    const lifecycle = decodeReadWriteSet(actionOf(response).action.getResults_asU8()).namespaces.find((n) => n.namespace === '_lifecycle');
    // Only read: validation checks its version (MVCC) and no _lifecycle policy applies.
    expect(lifecycle).toMatchObject({ reads: [{ key: `definitions/${CC}`, version }], writes: [], metadataWrites: [] });

    // A sequence 2 committed between the resolver's read and the simulator's: not endorsed.
    state.put('_lifecycle', `definitions/${CC}`, definition(2));
    const moved = await endorser(net.inmetroPeer, loaded.container, 1).processProposal(propose({ signer: net.cityOperator, chaincode: CC, args: ['SpeedMeasurement:SubmitReading', meter.reading(21)] }).signed);
    expect(moved.getResponse()?.getStatus()).toBe(500);
    expect(rejectionCodeOf(moved.getResponse()!.getMessage())).toBe('CHAINCODE_DEFINITION_CHANGED');
    expect(moved.hasEndorsement()).toBe(false);
  });

  describe('refuses bad proposals, each with its code and no endorsement', () => {
    const expectRefused = async (signed: InstanceType<typeof peer.SignedProposal>, code: string) => {
      const response = await endorser(net.inmetroPeer).processProposal(signed);
      expect(response.getResponse()!.getStatus()).toBe(500);
      expect(rejectionCodeOf(response.getResponse()!.getMessage())).toBe(code);
      expect(response.hasEndorsement()).toBe(false);
    };

    it('MALFORMED_PROPOSAL: undecodable bytes, empty bytes, no chaincode name', async () => {
      const garbage = new peer.SignedProposal();
      garbage.setProposalBytes(Uint8Array.from([0xff, 0xff, 0xff, 0x01]));
      await expectRefused(garbage, 'MALFORMED_PROPOSAL');
      await expectRefused(new peer.SignedProposal(), 'MALFORMED_PROPOSAL');
      await expectRefused(propose({ signer: net.cityOperator, chaincode: '', args: ['x'] }).signed, 'MALFORMED_PROPOSAL');
    });

    it('UNSUPPORTED_HEADER_TYPE: a config transaction', async () => {
      await expectRefused(propose({ signer: net.cityOperator, chaincode: CC, args: ['x'], headerType: common.HeaderType.CONFIG }).signed, 'UNSUPPORTED_HEADER_TYPE');
    });

    it('CHANNEL_MISMATCH: another channel', async () => {
      await expectRefused(propose({ signer: net.cityOperator, chaincode: CC, args: ['x'], channelId: 'other' }).signed, 'CHANNEL_MISMATCH');
    });

    it('CREATOR_UNTRUSTED: an organisation the channel does not trust, or a creator claiming another MSP', async () => {
      await expectRefused(propose({ signer: net.outsider, chaincode: CC, args: ['x'] }).signed, 'CREATOR_UNTRUSTED');
      const claimed = { ...net.cityOperator, serialized: serializedIdentity('InmetroMSP', net.cityOperator.certificatePem) };
      await expectRefused(propose({ signer: claimed, chaincode: CC, args: ['x'] }).signed, 'CREATOR_UNTRUSTED');
    });

    it('CREATOR_UNTRUSTED (ISSUED_OUTSIDE_CA_VALIDITY): a registrar certificate dated before its CA, named in the message for clients to map', async () => {
      await expectRefused(propose({ signer: net.earlyRegistrar, chaincode: CC, args: ['x'] }).signed, 'CREATOR_UNTRUSTED');
      const response = await endorser(net.inmetroPeer).processProposal(propose({ signer: net.earlyRegistrar, chaincode: CC, args: ['y'] }).signed);
      expect(response.getResponse()!.getMessage()).toMatch(/^\[CREATOR_UNTRUSTED\] access denied: channel \[speedledger\] creator is not trusted \(ISSUED_OUTSIDE_CA_VALIDITY\): certificate '.*registrar0.*' starts at 2025-12-31/);
    });

    it('BAD_SIGNATURE: signed by someone else, or tampered after signing', async () => {
      const impostor = { ...net.cityOperator, sign: (m: Uint8Array) => net.inmetroRegistrar.sign(m) };
      await expectRefused(propose({ signer: impostor, chaincode: CC, args: ['x'] }).signed, 'BAD_SIGNATURE');
      const { signed } = propose({ signer: net.cityOperator, chaincode: CC, args: ['x'] });
      const sig = signed.getSignature_asU8().slice();
      sig[sig.length - 1]! ^= 0x01;
      signed.setSignature(sig);
      await expectRefused(signed, 'BAD_SIGNATURE');
    });

    it('TXID_MISMATCH: a tx id that is not SHA-256(nonce ‖ creator)', async () => {
      await expectRefused(propose({ signer: net.cityOperator, chaincode: CC, args: ['x'], txId: 'ab'.repeat(32) }).signed, 'TXID_MISMATCH');
    });

    it('DUPLICATE_TXID: a committed transaction id, and a copy of a proposal still executing', async () => {
      const first = propose({ signer: net.cityOperator, chaincode: '_echo', args: ['x'] });
      committed.add(first.txId);
      await expectRefused(first.signed, 'DUPLICATE_TXID');
      const second = propose({ signer: net.cityOperator, chaincode: CC, args: ['SpeedMeasurement:SubmitReading', meter.reading(8)] });
      const e = endorser(net.inmetroPeer);
      const [a, b] = await Promise.all([e.processProposal(second.signed), e.processProposal(second.signed)]);
      expect([a, b].map((r) => r.getResponse()!.getStatus()).sort()).toEqual([200, 500]);
      expect([a, b].map((r) => rejectionCodeOf(r.getResponse()!.getMessage()))).toContain('DUPLICATE_TXID');
    });

    it("passes the resolver's refusal code through (CHAINCODE_NOT_DEFINED), prefixed once", async () => {
      const { signed } = propose({ signer: net.cityOperator, chaincode: 'nope', args: ['x'] });
      await expectRefused(signed, 'CHAINCODE_NOT_DEFINED');
      const message = (await endorser(net.inmetroPeer).processProposal(signed)).getResponse()!.getMessage();
      expect(message).toBe('[CHAINCODE_NOT_DEFINED] chaincode nope is not defined');
    });
  });
});
