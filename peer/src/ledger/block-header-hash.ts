import type { common } from '@hyperledger/fabric-protos';
import { blockHeaderHash } from '@speedledger/orderer-bft';

/**
 * Fabric's block header hash, computed from the header's plain fields. orderer-bft's
 * `blockHeaderHash` recognises a header message with `instanceof`, which fails for messages
 * deserialised by the peer's own copy of `@hyperledger/fabric-protos` (each workspace package
 * has one); plain fields work with either copy.
 */
export function headerHashOf(header: common.BlockHeader): Uint8Array {
  return blockHeaderHash({ number: header.getNumber(), previousHash: header.getPreviousHash_asU8(), dataHash: header.getDataHash_asU8() });
}
