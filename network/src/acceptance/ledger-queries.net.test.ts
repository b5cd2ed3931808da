import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { connect, GatewayError, hash, signers, type Gateway } from '@hyperledger/fabric-gateway';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { connectGateway, loadConnectionProfile, type LedgerClient } from '@speedledger/ledger-client';
import { blockHeaderHash, readMspIdentity } from '@speedledger/orderer-bft';
import { msp as peerMsp } from '@speedledger/peer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOrg } from '../plan/network-orgs.js';
import { portSpan } from '../plan/network-plan.js';
import { freeBasePort } from '../runtime/free-base-port.js';
import { connectionProfilePath, downNetwork, identityDir } from '../runtime/network-control.js';
import { upNetwork } from '../runtime/up-network.js';
import type { NetworkManifest } from '../manifest/network-manifest.js';
import { channelFetchCommand, channelGetInfoCommand } from '../cli/channel-commands.js';
import { fleetShares, missingPrerequisite } from './test-support/acceptance-support.js';

/*
 * Issue 16 item 5 (qscc, cscc) on the embedded network, through the clients tools use: the
 * Fabric Gateway (`@hyperledger/fabric-gateway`), fabric-network 2.2 (discovery off), and a raw
 * gRPC Endorser client built from `@hyperledger/fabric-protos` alone — as `peer channel getinfo`,
 * block fetchers and Hyperledger Explorer read a network.
 */
const missing = missingPrerequisite();
if (missing && process.env.CI) throw new Error(`ledger query test cannot run: ${missing} is not built`);
if (missing) console.warn(`ledger query test skipped: ${missing} is not built`);

// The Timestamp class of the google-protobuf copy fabric-protos was generated against (its setters check the class).
const requireFromProtos = createRequire(createRequire(import.meta.url).resolve('@hyperledger/fabric-protos'));
const { Timestamp } = requireFromProtos('google-protobuf/google/protobuf/timestamp_pb.js') as { Timestamp: { fromDate(date: Date): never } };

const sum = (bytes: Uint8Array | undefined): string => createHash('sha256').update(bytes ?? new Uint8Array()).digest('hex');
const text = new TextEncoder();

interface Signer {
  readonly mspId: string;
  readonly certPem: string;
  readonly privateKeyPem: string;
}

/** A SignedProposal for `chaincode(args)` assembled from the protos, as any Fabric SDK does. */
function rawProposal(signer: Signer, channelId: string, chaincode: string, args: readonly string[]): peer.SignedProposal {
  const creator = new msp.SerializedIdentity();
  creator.setMspid(signer.mspId);
  creator.setIdBytes(text.encode(signer.certPem));
  const creatorBytes = creator.serializeBinary();
  const nonce = randomBytes(24);
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(chaincode);
  const input = new peer.ChaincodeInput();
  input.setArgsList(args.map((a) => text.encode(a)));
  const spec = new peer.ChaincodeSpec();
  spec.setType(peer.ChaincodeSpec.Type.NODE);
  spec.setChaincodeId(chaincodeId);
  spec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);
  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocation.serializeBinary());
  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(channelId);
  channelHeader.setTxId(createHash('sha256').update(nonce).update(creatorBytes).digest('hex'));
  channelHeader.setTimestamp(Timestamp.fromDate(new Date()));
  channelHeader.setExtension$(extension.serializeBinary());
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(creatorBytes);
  signatureHeader.setNonce(nonce);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const proposal = new peer.Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload.serializeBinary());
  const proposalBytes = proposal.serializeBinary();
  const signed = new peer.SignedProposal();
  signed.setProposalBytes(proposalBytes);
  // Low-S ECDSA over SHA-256, as Fabric requires.
  signed.setSignature(peerMsp.signingIdentityFromPem(signer.mspId, signer.certPem, signer.privateKeyPem).sign(proposalBytes));
  return signed;
}

function processProposal(address: string, signed: peer.SignedProposal): Promise<peer.ProposalResponse> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise<peer.ProposalResponse>((resolve, reject) => {
    client.makeUnaryRequest(
      '/protos.Endorser/ProcessProposal', (m: peer.SignedProposal) => Buffer.from(m.serializeBinary()), (b: Buffer) => peer.ProposalResponse.deserializeBinary(b),
      signed, { deadline: Date.now() + 30_000 }, (error, value) => (error ? reject(error) : resolve(value!)),
    );
  }).finally(() => client.close());
}

describe.skipIf(missing !== undefined)('qscc and cscc on the embedded network', { timeout: 300_000 }, () => {
  let dataDir = '';
  let failed = false;
  let manifest: NetworkManifest;
  let inmetroPeer: { address: string; operations: string };
  let user: Signer;
  let admin: Signer;
  /** An orderer's identity: a member of the channel's MSPs, in no application organisation's Readers. */
  let orderer: Signer;
  let gateway: Gateway;
  let grpcClient: grpc.Client;
  let reading: { transactionId: string; blockNumber: bigint };

  beforeAll(async () => {
    try {
      dataDir = await mkdtemp(join(tmpdir(), 'speedledger-qscc-'));
      manifest = await upNetwork({ dataDir, basePort: await freeBasePort(portSpan(4)), healthTimeoutMs: 120_000, supervise: false });
      const inmetro = findOrg('inmetro')!;
      const process = manifest.processes.find((p) => p.kind === 'peer' && p.org === inmetro.dir)!;
      inmetroPeer = { address: process.address, operations: process.operations };
      user = { mspId: inmetro.mspId, ...(await readMspIdentity(identityDir(dataDir, 'inmetro', 'User1'))) };
      admin = { mspId: inmetro.mspId, ...(await readMspIdentity(identityDir(dataDir, 'inmetro', 'Admin'))) };
      const ordererProcess = manifest.processes.find((p) => p.kind === 'orderer' && p.org === inmetro.dir)!;
      orderer = { mspId: ordererProcess.mspId, ...(await readMspIdentity(ordererProcess.mspDir)) };

      const { shares } = fleetShares(1, 1, 2, 20_261_216);
      const meter = shares[0]!.meters[0]!;
      const connectAs = (org: string, who: string): Promise<LedgerClient> =>
        connectGateway({ connectionProfile: connectionProfilePath(dataDir, org), mspId: findOrg(org)!.mspId, mspDir: identityDir(dataDir, org, who) });
      const registrar = await connectAs('inmetro', 'Registrar');
      const operator = await connectAs('cityoperator', 'User1');
      try {
        await registrar.registerMeter(meter.meterId, meter.publicKeyHex, meter.site);
        const submitted = await operator.submitReading(shares[0]!.readings[0]!.bytes);
        reading = { transactionId: submitted.transactionId, blockNumber: submitted.blockNumber };
      } finally {
        await registrar.close();
        await operator.close();
      }
      grpcClient = new grpc.Client(inmetroPeer.address, grpc.credentials.createInsecure());
      gateway = connect({
        client: grpcClient, identity: { mspId: user.mspId, credentials: text.encode(user.certPem) },
        signer: signers.newPrivateKeySigner(createPrivateKey(user.privateKeyPem)), hash: hash.sha256,
      });
    } catch (error) {
      failed = true;
      throw error;
    }
  }, 300_000);

  afterAll(async () => {
    gateway?.close();
    grpcClient?.close();
    if (!dataDir) return;
    await downNetwork(dataDir, 5_000).catch((error: unknown) => console.error(`downNetwork failed: ${String(error)}`));
    if (failed) console.error(`ledger query test failed: network data kept in ${dataDir}`);
    else await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  const guard = async (body: () => Promise<void>): Promise<void> => {
    try {
      await body();
    } catch (error) {
      failed = true;
      throw error;
    }
  };

  it('fabric-gateway: GetChainInfo is the height /status reports, GetBlockByNumber the block Deliver gives, GetTransactionByID the reading\'s envelope and VALID', () => guard(async () => {
    const network = gateway.getNetwork(manifest.channel);
    const qscc = network.getContract('qscc');
    const statusHeight = async () => ((await (await fetch(`http://${inmetroPeer.operations}/status`)).json()) as { height: number; currentBlockHash: string });
    const before = await statusHeight();
    const info = common.BlockchainInfo.deserializeBinary(await qscc.evaluateTransaction('GetChainInfo', manifest.channel));
    const after = await statusHeight();
    expect(before.height).toBe(after.height); // nothing commits meanwhile: the reading was the last transaction
    expect(info.getHeight()).toBe(after.height);
    expect(Buffer.from(info.getCurrentblockhash_asU8()).toString('hex')).toBe(after.currentBlockHash);
    expect(info.getHeight()).toBeGreaterThan(Number(reading.blockNumber));

    const number = String(reading.blockNumber);
    const block = common.Block.deserializeBinary(await qscc.evaluateTransaction('GetBlockByNumber', manifest.channel, number));
    expect(block.getHeader()?.getNumber()).toBe(Number(reading.blockNumber));
    const events = await network.getBlockEvents({ startBlock: reading.blockNumber });
    let delivered: Uint8Array | undefined;
    try {
      for await (const event of events) {
        delivered = event.serializeBinary();
        break;
      }
    } finally {
      events.close();
    }
    expect(sum(block.serializeBinary())).toBe(sum(delivered));
    const tip = common.Block.deserializeBinary(await qscc.evaluateTransaction('GetBlockByHash', manifest.channel, info.getCurrentblockhash_asU8()));
    expect(tip.getHeader()?.getNumber()).toBe(info.getHeight() - 1);

    const processed = peer.ProcessedTransaction.deserializeBinary(await qscc.evaluateTransaction('GetTransactionByID', manifest.channel, reading.transactionId));
    expect(processed.getValidationcode()).toBe(peer.TxValidationCode.VALID);
    const envelope = processed.getTransactionenvelope()!;
    const channelHeader = common.ChannelHeader.deserializeBinary(common.Payload.deserializeBinary(envelope.getPayload_asU8()).getHeader()!.getChannelHeader_asU8());
    expect(channelHeader.getTxId()).toBe(reading.transactionId);
    expect(block.getData()!.getDataList_asU8().map(sum)).toContain(sum(envelope.serializeBinary()));
    expect(sum(await qscc.evaluateTransaction('GetBlockByTxID', manifest.channel, reading.transactionId))).toBe(sum(block.serializeBinary()));
  }));

  it('fabric-gateway: an unknown transaction id and a non-reader are refused with Fabric\'s messages', () => guard(async () => {
    const qscc = gateway.getNetwork(manifest.channel).getContract('qscc');
    const unknown = await qscc.evaluateTransaction('GetTransactionByID', manifest.channel, 'no-such-tx').then(() => undefined, (e: unknown) => e);
    expect(unknown).toBeInstanceOf(GatewayError);
    expect((unknown as GatewayError).details.map((d) => d.message)).toEqual(['Failed to get transaction with id no-such-tx, error no such transaction ID [no-such-tx] in index']);

    const client = new grpc.Client(inmetroPeer.address, grpc.credentials.createInsecure());
    const asOrderer = connect({
      client, identity: { mspId: orderer.mspId, credentials: text.encode(orderer.certPem) },
      signer: signers.newPrivateKeySigner(createPrivateKey(orderer.privateKeyPem)), hash: hash.sha256,
    });
    try {
      const denied = await asOrderer.getNetwork(manifest.channel).getContract('qscc').evaluateTransaction('GetChainInfo', manifest.channel).then(() => undefined, (e: unknown) => e);
      expect(denied).toBeInstanceOf(GatewayError);
      expect((denied as GatewayError).code).toBe(grpc.status.PERMISSION_DENIED);
      expect((denied as GatewayError).message).toMatch(/Readers/);
    } finally {
      asOrderer.close();
      client.close();
    }
    // On the Endorser, qscc checks the Readers ACL itself (Fabric skips the Writers check for system chaincodes).
    const response = await processProposal(inmetroPeer.address, rawProposal(orderer, manifest.channel, 'qscc', ['GetChainInfo', manifest.channel]));
    expect(response.getResponse()?.getStatus()).toBe(500);
    expect(response.getResponse()?.getMessage()).toMatch(new RegExp(`^access denied for \\[GetChainInfo\\]\\[${manifest.channel}\\]: \\[.*Readers`));
  }));

  it('fabric-network 2.2 (discovery off): GetChainInfo and GetTransactionByID through the default query handler', () => guard(async () => {
    const { default: fabricNetwork } = await import('fabric-network');
    const wallet = await fabricNetwork.Wallets.newInMemoryWallet();
    await wallet.put('user', { type: 'X.509', mspId: user.mspId, credentials: { certificate: user.certPem, privateKey: user.privateKeyPem } } as never);
    const legacy = new fabricNetwork.Gateway();
    await legacy.connect((await loadConnectionProfile(connectionProfilePath(dataDir, 'inmetro'))).raw as Record<string, unknown>, {
      wallet, identity: 'user', discovery: { enabled: false, asLocalhost: false },
    });
    try {
      const qscc = (await legacy.getNetwork(manifest.channel)).getContract('qscc');
      const info = common.BlockchainInfo.deserializeBinary(new Uint8Array(await qscc.evaluateTransaction('GetChainInfo', manifest.channel)));
      expect(info.getHeight()).toBeGreaterThan(Number(reading.blockNumber));
      const processed = peer.ProcessedTransaction.deserializeBinary(new Uint8Array(await qscc.evaluateTransaction('GetTransactionByID', manifest.channel, reading.transactionId)));
      expect(processed.getValidationcode()).toBe(peer.TxValidationCode.VALID);
    } finally {
      legacy.disconnect();
    }
  }));

  it('speedledger channel getinfo and channel fetch print and write what qscc answers', () => guard(async () => {
    const run = async (command: typeof channelGetInfoCommand, args: string[]) => {
      let out = '';
      let err = '';
      const code = await command.run([...args, '--data-dir', dataDir], { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } });
      return { code, out, err };
    };
    const info = common.BlockchainInfo.deserializeBinary(await gateway.getNetwork(manifest.channel).getContract('qscc').evaluateTransaction('GetChainInfo', manifest.channel));
    const getinfo = await run(channelGetInfoCommand, []);
    expect(getinfo.err).toBe('');
    expect(getinfo.out).toBe(`Blockchain info: ${JSON.stringify({
      height: info.getHeight(), currentBlockHash: info.getCurrentblockhash_asB64(), previousBlockHash: info.getPreviousblockhash_asB64(),
    })}\n`);
    const file = join(dataDir, 'newest.block');
    const fetched = await run(channelFetchCommand, ['newest', file]);
    expect([fetched.code, fetched.err, fetched.out]).toEqual([0, '', `Received block: ${info.getHeight() - 1}\n`]);
    const block = common.Block.deserializeBinary(new Uint8Array(await readFile(file)));
    const header = block.getHeader()!;
    const hashOfFetched = blockHeaderHash({ number: header.getNumber(), previousHash: header.getPreviousHash_asU8(), dataHash: header.getDataHash_asU8() });
    expect(Buffer.from(hashOfFetched).toString('hex')).toBe(Buffer.from(info.getCurrentblockhash_asU8()).toString('hex'));
    const missingBlock = await run(channelFetchCommand, [String(info.getHeight() + 5), join(dataDir, 'none.block'), '--json']);
    expect(missingBlock.code).toBe(1);
    expect(JSON.parse(missingBlock.err)).toMatchObject({ error: { code: 'GATEWAY_FAILED', message: expect.stringContaining(`no such block number [${info.getHeight() + 5}] in index`) } });
  }));

  it('raw gRPC ProcessProposal: cscc GetChannelConfig is the genesis block\'s common.Config; a channel-less GetChainInfo (peer channel getinfo) is answered', () => guard(async () => {
    const response = await processProposal(inmetroPeer.address, rawProposal(user, manifest.channel, 'cscc', ['GetChannelConfig', manifest.channel]));
    expect(response.getResponse()?.getMessage()).toBe('');
    expect(response.getResponse()?.getStatus()).toBe(200);
    const genesis = common.Block.deserializeBinary(new Uint8Array(await readFile(manifest.genesisBlock)));
    const envelope = common.Envelope.deserializeBinary(genesis.getData()!.getDataList_asU8()[0]!);
    const expected = common.ConfigEnvelope.deserializeBinary(common.Payload.deserializeBinary(envelope.getPayload_asU8()).getData_asU8()).getConfig()!;
    const config = common.Config.deserializeBinary(response.getResponse()!.getPayload_asU8());
    expect(sum(config.serializeBinary())).toBe(sum(expected.serializeBinary()));
    expect([...config.getChannelGroup()!.getGroupsMap().get('Application')!.getGroupsMap().keys()].sort()).toEqual(manifest.orgs.map((o) => o.mspId).sort());

    // `peer channel getinfo` sends its proposal without a channel, as the peer's own admin.
    const getinfo = await processProposal(inmetroPeer.address, rawProposal(admin, '', 'qscc', ['GetChainInfo', manifest.channel]));
    expect(getinfo.getResponse()?.getStatus()).toBe(200);
    expect(common.BlockchainInfo.deserializeBinary(getinfo.getResponse()!.getPayload_asU8()).getHeight()).toBeGreaterThan(Number(reading.blockNumber));
  }));
});
