import { common } from '@hyperledger/fabric-protos';
import type { Assembler, AssemblyContext, Proposal } from '../core/dependencies.js';
import { blockDataHash, blockHeaderHash } from './block-hash.js';
import { canonicalBlockDataEntries, isCanonicalSignedEnvelope } from './canonical-wire.js';
import { FabricError } from './errors.js';
import { parseCanonical } from './proto-parse.js';

/**
 * The core's {@link Assembler} for real Fabric blocks: `proposal.header` is a serialised
 * `common.BlockHeader` (number = sequence, previous_hash = header hash of the previous block,
 * data_hash over the envelopes) and `proposal.payload` a serialised `common.BlockData`.
 * Deterministic, so backups validate a leader's proposal by re-assembling it.
 */
export function createFabricAssembler(): Assembler {
  return {
    assemble(requests: readonly Uint8Array[], context: AssemblyContext): Proposal {
      const previous = parseCanonical(common.BlockHeader, context.previousHeader);
      if (previous === undefined) {
        throw new FabricError('BAD_PROPOSAL', 'previous header is not a serialised common.BlockHeader', { sequence: context.sequence });
      }
      const data = new common.BlockData();
      data.setDataList([...requests]);
      const header = new common.BlockHeader();
      header.setNumber(context.sequence);
      header.setPreviousHash(blockHeaderHash(previous));
      header.setDataHash(blockDataHash(requests));
      return { header: header.serializeBinary(), payload: data.serializeBinary() };
    },

    disassemble(proposal: Proposal): readonly Uint8Array[] | undefined {
      const header = parseBlockHeader(proposal.header);
      const envelopes = canonicalBlockDataEntries(proposal.payload);
      if (header === undefined || envelopes === undefined) return undefined;
      if (!Buffer.from(blockDataHash(envelopes)).equals(header.getDataHash_asU8())) return undefined;
      return envelopes.every(isWellFormedEnvelope) ? envelopes : undefined;
    },
  };
}

/** Parses a proposal header (serialised `common.BlockHeader`); undefined when malformed. */
export function parseBlockHeader(bytes: Uint8Array): common.BlockHeader | undefined {
  return parseCanonical(common.BlockHeader, bytes);
}

/** The header bytes the core chains to for a block: its serialised header (`genesisHeader` for block 0). */
export function proposalHeaderOf(block: common.Block): Uint8Array {
  const header = block.getHeader();
  if (header === undefined) throw new FabricError('INVALID_CONFIG_BLOCK', 'block has no header');
  return header.serializeBinary();
}

/**
 * Fabric's `VerifyTransactionsAreWellFormed`: every data entry is a canonical `common.Envelope`
 * with a payload and a signature. Without it, the envelopes of a block could be re-split (the data
 * hash covers only their concatenation) into a different block with the same header.
 */
export function isWellFormedEnvelope(bytes: Uint8Array): boolean {
  return isCanonicalSignedEnvelope(bytes);
}
