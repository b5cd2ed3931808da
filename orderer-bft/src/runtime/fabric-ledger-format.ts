import { common } from '@hyperledger/fabric-protos';
import type { Signer, Verifier } from '../core/dependencies.js';
import { readChannelConfig, type ChannelConfig } from '../fabric/channel-config.js';
import { decisionToBlock } from '../fabric/decision-to-block.js';
import { verifyP256 } from '../fabric/ecdsa.js';
import { createEnvelopeInspector } from '../fabric/envelope-inspector.js';
import { createFabricAssembler, proposalHeaderOf } from '../fabric/fabric-assembler.js';
import { createFabricSigner } from '../fabric/fabric-signer.js';
import { createFabricVerifier } from '../fabric/fabric-verifier.js';
import { parseEnvelope } from '../fabric/parse-envelope.js';
import { rolePolicyProblem } from '../fabric/channel-roles.js';
import { checkCreator, validateEnvelope } from '../fabric/validate-envelope.js';
import type { DeliverRefusal, LedgerFormat } from './ledger-format.js';
import { RuntimeError } from './runtime-error.js';

/** A Fabric channel's ledger format and what was read from its genesis block. */
export interface FabricLedger {
  readonly format: LedgerFormat;
  readonly channel: ChannelConfig;
}

/**
 * The ledger format of the Fabric layer, configured from a channel genesis block: genuine Fabric
 * blocks (ASN.1 header hashing, BFT SIGNATURES metadata), Broadcast admission by
 * `validateEnvelope` (creator chains to a channel organisation, signature, tx id), Deliver only
 * for signed requests of channel members. `now` gives the certificate-validity time.
 */
export function createFabricLedgerFormat(genesisBlock: Uint8Array, now: () => Date = () => new Date()): FabricLedger {
  let channel: ChannelConfig;
  let genesis: common.Block;
  try {
    genesis = common.Block.deserializeBinary(genesisBlock);
    channel = readChannelConfig(genesis);
  } catch (cause) {
    throw new RuntimeError('INVALID_RUNTIME_CONFIG', 'genesis block does not hold a channel config', {}, cause);
  }
  const maxBytes = channel.batch.absoluteMaxBytes;
  const format: LedgerFormat = {
    assembler: createFabricAssembler(),
    inspector: createEnvelopeInspector({ channel, maxBytes }),
    genesisHeader: proposalHeaderOf(genesis),
    genesisBlock: () => genesisBlock,
    toBlock: (decision) => decisionToBlock(decision).serializeBinary(),
    validateBroadcast(bytes) {
      const result = validateEnvelope(bytes, channel, { maxBytes, now: now() });
      return result.ok ? undefined : { status: result.status, reason: `${result.code}: ${result.reason}` };
    },
    authorizeDeliver(bytes) {
      const badRequest = (reason: string): DeliverRefusal => ({ status: 'BAD_REQUEST', reason });
      const parsed = parseEnvelope(bytes);
      if ('code' in parsed) return badRequest(`${parsed.code}: ${parsed.reason}`);
      if (parsed.type !== common.HeaderType.DELIVER_SEEK_INFO) return badRequest(`header type ${parsed.type} is not DELIVER_SEEK_INFO`);
      if (parsed.channelId !== channel.channelId) return badRequest(`channel '${parsed.channelId}' is not '${channel.channelId}'`);
      const creator = checkCreator(parsed, channel, now());
      if ('code' in creator) return { status: 'FORBIDDEN', reason: `${creator.code}: ${creator.reason}` };
      if (!verifyP256(creator.publicKey, parsed.payload, parsed.signature, 'der')) {
        return { status: 'FORBIDDEN', reason: 'BAD_SIGNATURE: seek request signature does not verify' };
      }
      const org = channel.organizations.find((o) => o.mspId === parsed.creatorMspId)!;
      const notReader = rolePolicyProblem(creator.certificate, org, 'Readers');
      if (notReader !== undefined) return { status: 'FORBIDDEN', reason: `NOT_A_READER: ${notReader}` };
      return undefined;
    },
  };
  return { format, channel };
}

/** The replica's Fabric consenter identity: replica index `id` is the channel's `consenters[id]`. */
export function createFabricIdentity(channel: ChannelConfig, id: number, certPem: string, privateKeyPem: string): { signer: Signer; verifier: Verifier } {
  const consenter = channel.consenters[id];
  if (consenter === undefined) throw new RuntimeError('INVALID_RUNTIME_CONFIG', `the channel has no consenter at index ${id}`, { replica: id });
  return {
    signer: createFabricSigner({ consenterId: consenter.id, mspId: consenter.mspId, certPem, privateKeyPem }),
    verifier: createFabricVerifier(channel.consenters),
  };
}
