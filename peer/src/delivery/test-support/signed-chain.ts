import { randomBytes } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import {
  blockDataHash, blockHeaderBytes, decodeBlockMetadataEntry, decodeIdentifierHeader, encodeBlockMetadataEntry, encodeIdentifierHeader,
  generateOrganization, loadPrivateKey, ordererBlockMetadataValue, signP256, type ConsenterIdentity, type EnrolledIdentity,
} from '@speedledger/orderer-bft';
import { buildEnvelope, createClientIdentity, type ClientIdentity } from '@speedledger/orderer-bft/runtime';
import { headerHashOf } from '../../ledger/block-header-hash.js';
import { configEnvelope, makeBlock } from '../../ledger/test-support/ledger-blocks.js';

const SIGNATURES = common.BlockMetadataIndex.SIGNATURES;

/** A chain of blocks signed as orderer-bft's consenters sign them (Fabric 3 BFT identifier headers). */
export interface SignedChain {
  readonly consenters: ConsenterIdentity[];
  readonly quorum: number;
  /** A channel member's identity (signs seeks and envelopes). */
  readonly client: ClientIdentity;
  /** Block 0 (unsigned config block) then blocks 1.. signed by every consenter. */
  readonly blocks: common.Block[];
}

/**
 * A block after `previous` holding `envelopes`, signed by `signers` (consenter id i+1 = signers[i]).
 * Built from orderer-bft's exported encoders: its signer parses headers with its own protobuf
 * copy, which does not mix with the peer's in one process.
 */
export function signedBlock(number: number, previous: common.Block, envelopes: readonly Uint8Array[], signers: readonly EnrolledIdentity[]): common.Block {
  const block = makeBlock(number, previous, envelopes);
  const header = block.getHeader()!;
  const headerBytes = blockHeaderBytes({ number, previousHash: header.getPreviousHash_asU8(), dataHash: blockDataHash(envelopes) });
  const value = ordererBlockMetadataValue(0, 0, number);
  const signatures = signers.map((signer, i) => {
    const identifierHeader = encodeIdentifierHeader({ identifier: i + 1, nonce: randomBytes(24) });
    const payload = new Uint8Array(Buffer.concat([value, identifierHeader, headerBytes]));
    return { signatureHeader: new Uint8Array(), signature: signP256(loadPrivateKey(signer.privateKeyPem), payload, 'der'), identifierHeader };
  });
  const list = block.getMetadata()!.getMetadataList_asU8();
  list[SIGNATURES] = encodeBlockMetadataEntry({ value, signatures });
  block.getMetadata()!.setMetadataList(list);
  return block;
}

/** Generates four consenters and a chain of `count` blocks after a genesis block. */
export async function signedChain(count: number): Promise<SignedChain> {
  const now = new Date(Date.now() - 86_400_000);
  const ordererOrg = await generateOrganization({ mspId: 'OrdererMSP', domain: 'orderer.example.com', now });
  const clientOrg = await generateOrganization({ mspId: 'Org1MSP', domain: 'org1.example.com', now });
  const orderers: EnrolledIdentity[] = [];
  for (let i = 0; i < 4; i += 1) orderers.push(await ordererOrg.enrol(`orderer${i}.orderer.example.com`, { ou: 'orderer' }));
  const enrolled = await clientOrg.enrol('user1.org1.example.com', { ou: 'client' });
  const client = createClientIdentity(enrolled.mspId, enrolled.certPem, enrolled.privateKeyPem);
  const consenters = orderers.map((o, i) => ({ id: i + 1, mspId: o.mspId, certPem: o.certPem }));
  const blocks = [makeBlock(0, undefined, [configEnvelope()])];
  for (let n = 1; n <= count; n += 1) {
    const envelopes = [0, 1].map((i) => buildEnvelope({ channel: 'speedledger', identity: client, data: new TextEncoder().encode(`tx ${n}.${i}`) }).serializeBinary());
    // Round-tripped: the puller and ledger see deserialised blocks.
    blocks.push(common.Block.deserializeBinary(signedBlock(n, blocks[n - 1]!, envelopes, orderers).serializeBinary()));
  }
  return { consenters, quorum: 3, client, blocks };
}

/** A copy of `block` keeping only the signatures of the consenters in `keep`. */
export function withSignersOnly(block: common.Block, keep: readonly number[]): common.Block {
  const copy = common.Block.deserializeBinary(block.serializeBinary());
  const list = copy.getMetadata()!.getMetadataList_asU8();
  const entry = decodeBlockMetadataEntry(list[SIGNATURES]!)!;
  list[SIGNATURES] = encodeBlockMetadataEntry({
    value: entry.value, signatures: entry.signatures.filter((s) => keep.includes(decodeIdentifierHeader(s.identifierHeader)?.identifier ?? -1)),
  });
  copy.getMetadata()!.setMetadataList(list);
  return copy;
}

/** A copy of `block` with its first envelope replaced (data hash no longer matches). */
export function withTamperedData(block: common.Block, client: ClientIdentity): common.Block {
  const copy = common.Block.deserializeBinary(block.serializeBinary());
  const data = copy.getData()!.getDataList_asU8();
  data[0] = buildEnvelope({ channel: 'speedledger', identity: client, data: new TextEncoder().encode('forged') }).serializeBinary();
  copy.getData()!.setDataList(data);
  return copy;
}

/** Header hash of a block. */
export function headerHash(block: common.Block): Uint8Array {
  return headerHashOf(block.getHeader()!);
}

/** A block 0 different from the chain's, for a broken-chain case. */
export function foreignGenesis(): common.Block {
  return makeBlock(0, undefined, [configEnvelope('foreign')]);
}
