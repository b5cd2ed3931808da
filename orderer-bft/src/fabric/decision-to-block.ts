import { common } from '@hyperledger/fabric-protos';
import type { Decision } from '../core/decision.js';
import { canonicalBlockDataEntries } from './canonical-wire.js';
import { decodeMetadataSignature, encodeBlockMetadataEntry, ordererBlockMetadataValue, type MetadataSignature } from './block-metadata.js';
import { FabricError } from './errors.js';
import { parseBlockHeader } from './fabric-assembler.js';

/** Options for {@link decisionToBlock}. */
export interface DecisionToBlockOptions {
  /** Index of the last config block, as the signers used (default 0: only the genesis config). */
  readonly lastConfigIndex?: number;
}

/**
 * Turns a decision made with the Fabric assembler and signers into the `common.Block` a Fabric
 * peer accepts: header and data from the proposal; metadata SIGNATURES = the OrdererBlockMetadata
 * every consenter signed, with the quorum's `MetadataSignature`s; LAST_CONFIG; a
 * TRANSACTIONS_FILTER with one (VALID = 0) byte per envelope, for the peer's committer to fill.
 * Throws INVALID_DECISION when the decision was not made by the Fabric layer.
 */
export function decisionToBlock(decision: Decision, options: DecisionToBlockOptions = {}): common.Block {
  const lastConfigIndex = options.lastConfigIndex ?? 0;
  const header = parseBlockHeader(decision.proposal.header);
  const envelopes = canonicalBlockDataEntries(decision.proposal.payload);
  if (header === undefined || envelopes === undefined || header.getNumber() !== decision.seq) {
    throw new FabricError('INVALID_DECISION', 'decision proposal is not a Fabric block header and data for its sequence', {
      sequence: decision.seq, view: decision.view,
    });
  }
  const signatures: MetadataSignature[] = [...decision.signatures]
    .sort((a, b) => a.replica - b.replica)
    .map(({ replica, signature }) => {
      const decoded = decodeMetadataSignature(signature);
      if (decoded === undefined) {
        throw new FabricError('INVALID_DECISION', 'commit signature is not a MetadataSignature', { sequence: decision.seq, replica });
      }
      return decoded;
    });

  const lastConfig = new common.LastConfig();
  lastConfig.setIndex(lastConfigIndex);
  const lastConfigEntry = new common.Metadata();
  lastConfigEntry.setValue(lastConfig.serializeBinary());

  const metadata = new common.BlockMetadata();
  const entries: Uint8Array[] = [];
  entries[common.BlockMetadataIndex.SIGNATURES] = encodeBlockMetadataEntry({
    value: ordererBlockMetadataValue(lastConfigIndex, decision.view, decision.seq),
    signatures,
  });
  entries[common.BlockMetadataIndex.LAST_CONFIG] = lastConfigEntry.serializeBinary();
  entries[common.BlockMetadataIndex.TRANSACTIONS_FILTER] = new Uint8Array(envelopes.length);
  entries[common.BlockMetadataIndex.ORDERER] = new Uint8Array(0);
  entries[common.BlockMetadataIndex.COMMIT_HASH] = new Uint8Array(0);
  metadata.setMetadataList(entries);

  const data = new common.BlockData();
  data.setDataList(envelopes);
  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  block.setMetadata(metadata);
  return block;
}
