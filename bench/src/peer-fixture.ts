/**
 * An in-process slice of the embedded network for the peer micro-benchmarks: the four
 * organisations' CAs, two endorsing peers (Inmetro, PTB) each running the real lr-chaincode
 * package in its own fabric-shim container, one persistent PeerLedger, and the committer's
 * validation context with the channel's chaincode endorsement policy. No sockets.
 */
import './peer-quiet-logs.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { common, peer } from '@hyperledger/fabric-protos';
import { CHAINCODE_ENDORSEMENT_POLICY, CHAINCODE_NAME, CHANNEL_ID, defaultPackageFile } from '@speedledger/network';
import { blockDataHash, generateOrganization, type Organization } from '@speedledger/orderer-bft';
import { chaincode, endorser, ledger as peerLedger, msp as peerMsp, policy, services, validation } from '@speedledger/peer';

type SigningIdentity = peerMsp.SigningIdentity;
type PeerLedger = peerLedger.PeerLedger;
type Endorser = endorser.Endorser;
type LoadedChaincode = chaincode.LoadedChaincode;
type ProposalResponse = InstanceType<typeof peer.ProposalResponse>;

/** A client's signed proposal, with what it needs to assemble the transaction afterwards. */
export interface ClientProposal {
  readonly signed: InstanceType<typeof peer.SignedProposal>;
  readonly proposal: InstanceType<typeof peer.Proposal>;
  readonly txId: string;
}

/** What {@link startPeerBench} sets up. */
export interface PeerBench {
  /** The city operator's client identity: submits readings. */
  readonly operator: SigningIdentity;
  /** Inmetro's registrar (client with `speedledger.role=registrar`): governance and meters. */
  readonly registrar: SigningIdentity;
  /** Inmetro's and PTB's endorsers: two endorsements satisfy OutOf(2, …). */
  readonly endorsers: readonly [Endorser, Endorser];
  readonly ledger: PeerLedger;
  readonly context: validation.ValidationContext;
  /** Fabric package id (`label:sha256`) of the lr-chaincode package the containers run. */
  readonly packageId: string;
  close(): Promise<void>;
}

async function signer(org: Organization, name: string, ou: 'client' | 'peer', attrs?: Record<string, string>): Promise<SigningIdentity> {
  const enrolled = await org.enrol(`${name}.${org.domain}`, { ou, ...(attrs ? { attrs } : {}) });
  return peerMsp.signingIdentityFromPem(org.mspId, enrolled.certPem, enrolled.privateKeyPem);
}

/** Generates the organisations, installs and starts the chaincode twice, opens the ledger in `dir`. */
export async function startPeerBench(dir: string, packageFile = defaultPackageFile(), dispatch: 'protocol' | 'direct' = 'direct'): Promise<PeerBench> {
  const orgs = await Promise.all(
    ['InmetroMSP', 'PTBMSP', 'LaSIGEMSP', 'CityOperatorMSP'].map((mspId) => generateOrganization({ mspId, domain: `${mspId.toLowerCase()}.example.com`, now: new Date() })),
  );
  const [inmetro, ptb, , city] = orgs as [Organization, Organization, Organization, Organization];
  const manager = peerMsp.createMspManager(orgs.map((o) => ({ mspId: o.mspId, rootCertsPem: [o.ca.certPem] })));
  const deserialize = (bytes: Uint8Array): ReturnType<typeof manager.deserialize> => manager.deserialize(bytes);
  const installed = chaincode.installPackage(readFileSync(packageFile), join(dir, 'chaincodes'));
  const containers: LoadedChaincode[] = [];
  for (let i = 0; i < 2; i += 1) containers.push(await chaincode.loadChaincode(installed.dir, { name: CHAINCODE_NAME, version: '1.0', dispatch }));
  const ledger = await peerLedger.PeerLedger.open(join(dir, 'ledger'), { channelId: CHANNEL_ID });
  const peers = [await signer(inmetro, 'peer0', 'peer'), await signer(ptb, 'peer0', 'peer')];
  const endorsers = peers.map((peerSigner, i) =>
    endorser.createEndorser({
      channelId: CHANNEL_ID,
      signer: peerSigner,
      deserialize,
      state: ledger.state,
      history: ledger.history,
      txIdCommitted: (txId) => ledger.txIdCommitted(txId),
      systemChaincodes: [],
      resolveChaincode: async (name) =>
        name === CHAINCODE_NAME
          ? { container: containers[i]!.container, version: '1.0' }
          : { refusal: { code: 'CHAINCODE_NOT_DEFINED', message: `[CHAINCODE_NOT_DEFINED] chaincode ${name} is not defined` } },
    }),
  ) as [Endorser, Endorser];
  const chaincodePolicy = { kind: 'application' as const, policy: policy.applicationPolicyFromDsl(CHAINCODE_ENDORSEMENT_POLICY).serializeBinary() };
  const context: validation.ValidationContext = {
    channelId: CHANNEL_ID,
    deserialize,
    state: ledger.state,
    txIdCommitted: (txId) => ledger.txIdCommitted(txId),
    namespacePolicy: async (namespace) => (namespace === CHAINCODE_NAME ? chaincodePolicy : { kind: 'undefined' }),
    // Only the chaincode's signature policy and key-level policies apply to these transactions.
    evaluateChannelPolicy: () => false,
  };
  return {
    operator: await signer(city, 'user1', 'client'),
    registrar: await signer(inmetro, 'registrar1', 'client', { 'speedledger.role': 'registrar' }),
    endorsers,
    ledger,
    context,
    packageId: installed.packageId,
    async close() {
      for (const c of containers) c.container.close();
      await ledger.close();
    },
  };
}

/** A signed lr-chaincode proposal as Fabric clients build it (tx id = SHA-256(nonce ‖ creator)). */
export function buildProposal(client: SigningIdentity, args: readonly (string | Uint8Array)[]): ClientProposal {
  return endorser.buildSignedProposal({ signer: client, channelId: CHANNEL_ID, chaincode: CHAINCODE_NAME, args, timestamp: new Date() });
}

/** Why a proposal was not endorsed: status and message of the first failing response. */
export function endorsementFailure(responses: readonly ProposalResponse[]): string | undefined {
  const bad = responses.find((r) => (r.getResponse()?.getStatus() ?? 500) !== 200 || r.getEndorsement() === undefined);
  return bad === undefined ? undefined : `${bad.getResponse()?.getStatus()} ${bad.getResponse()?.getMessage()}`;
}

/** The client's signed transaction envelope from the proposal and its (matching) endorsements. */
export function transactionEnvelope(client: SigningIdentity, proposal: ClientProposal, responses: readonly ProposalResponse[]): Uint8Array {
  const envelope = services.prepareTransaction(proposal.proposal, responses[0]!.getPayload_asU8(), responses.map((r) => r.getEndorsement()!));
  envelope.setSignature(client.sign(envelope.getPayload_asU8()));
  return envelope.serializeBinary();
}

/** The ledger's next block with these envelopes, chained to its last block (no orderer signatures). */
export function nextBlock(ledger: PeerLedger, envelopes: readonly Uint8Array[]): common.Block {
  const header = new common.BlockHeader();
  header.setNumber(ledger.height());
  header.setPreviousHash(ledger.lastBlockHash() ?? new Uint8Array());
  header.setDataHash(blockDataHash(envelopes));
  const data = new common.BlockData();
  data.setDataList([...envelopes]);
  const metadata = new common.BlockMetadata();
  metadata.setMetadataList([new Uint8Array(), new Uint8Array(), new Uint8Array(), new Uint8Array(), new Uint8Array()]);
  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  block.setMetadata(metadata);
  return block;
}

/**
 * Endorses each call on both peers, orders the endorsed ones in one block, validates and commits
 * it; returns each call's validation code (undefined: not endorsed) — setup, not a measurement.
 */
export async function submitInBlock(bench: PeerBench, client: SigningIdentity, calls: readonly (readonly (string | Uint8Array)[])[]): Promise<(number | undefined)[]> {
  const envelopes: Uint8Array[] = [];
  const slots: (number | undefined)[] = [];
  for (const args of calls) {
    const proposal = buildProposal(client, args);
    const responses = await Promise.all(bench.endorsers.map((e) => e.processProposal(proposal.signed)));
    if (endorsementFailure(responses) !== undefined) {
      slots.push(undefined);
      continue;
    }
    slots.push(envelopes.length);
    envelopes.push(transactionEnvelope(client, proposal, responses));
  }
  if (envelopes.length === 0) return slots;
  const block = nextBlock(bench.ledger, envelopes);
  const verdict = await validation.validateBlock(block, bench.context);
  await bench.ledger.commit(block, verdict);
  return slots.map((slot) => (slot === undefined ? undefined : verdict.transactionsFilter[slot]));
}
