import { createHash } from 'node:crypto';
import { common, msp } from '@hyperledger/fabric-protos';
import { generateOrganization, type EnrolledIdentity, type Organization } from '../crypto-material.js';
import type { ConsenterIdentity } from '../consenter-identity.js';
import { signP256, loadPrivateKey } from '../ecdsa.js';

/** Fixed test time: certificates are valid from here for a year. */
export const TEST_NOW = new Date('2026-01-01T00:00:00Z');

/** An orderer organisation with `n` consenters (ids 1..n) and a client organisation. */
export interface TestNetwork {
  readonly ordererOrg: Organization;
  readonly clientOrg: Organization;
  readonly orderers: EnrolledIdentity[];
  readonly consenters: ConsenterIdentity[];
  readonly client: EnrolledIdentity;
}

const cache = new Map<number, Promise<TestNetwork>>();

/** Generates (once per n, per test file) a small network's crypto material. */
export function testNetwork(n = 4): Promise<TestNetwork> {
  let network = cache.get(n);
  if (network === undefined) {
    network = (async () => {
      const ordererOrg = await generateOrganization({ mspId: 'OrdererMSP', domain: 'orderer.example.com', now: TEST_NOW });
      const clientOrg = await generateOrganization({ mspId: 'Org1MSP', domain: 'org1.example.com', now: TEST_NOW });
      const orderers: EnrolledIdentity[] = [];
      for (let i = 0; i < n; i += 1) orderers.push(await ordererOrg.enrol(`orderer${i}.orderer.example.com`, { ou: 'orderer' }));
      const consenters = orderers.map((o, i) => ({ id: i + 1, mspId: o.mspId, certPem: o.certPem }));
      const client = await clientOrg.enrol('user1.org1.example.com', { ou: 'client' });
      return { ordererOrg, clientOrg, orderers, consenters, client };
    })();
    cache.set(n, network);
  }
  return network;
}

/** Options for {@link makeEnvelope}; every field can be spoiled for negative tests. */
export interface EnvelopeOptions {
  readonly channel?: string;
  readonly nonce?: Uint8Array;
  readonly txId?: string;
  readonly type?: number;
  readonly data?: Uint8Array;
  readonly signer?: EnrolledIdentity;
  readonly creatorCertPem?: string;
  readonly creatorMspId?: string;
  /** Replaces the signature after signing. */
  readonly signature?: Uint8Array;
}

/** A Fabric client envelope (ENDORSER_TRANSACTION by default), signed as Fabric SDKs do. */
export function makeEnvelope(identity: EnrolledIdentity, options: EnvelopeOptions = {}): Uint8Array {
  const creator = new msp.SerializedIdentity();
  creator.setMspid(options.creatorMspId ?? identity.mspId);
  creator.setIdBytes(new TextEncoder().encode(options.creatorCertPem ?? identity.certPem));
  const creatorBytes = creator.serializeBinary();
  const nonce = options.nonce ?? createHash('sha256').update(`nonce/${Math.random()}`).digest().subarray(0, 24);
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(creatorBytes);
  signatureHeader.setNonce(nonce);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(options.type ?? common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(options.channel ?? 'speedledger');
  channelHeader.setTxId(options.txId ?? createHash('sha256').update(Buffer.concat([nonce, creatorBytes])).digest('hex'));
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(options.data ?? new TextEncoder().encode('speed record'));
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  const signer = options.signer ?? identity;
  envelope.setSignature(options.signature ?? signP256(loadPrivateKey(signer.privateKeyPem), payloadBytes, 'der'));
  return envelope.serializeBinary();
}
