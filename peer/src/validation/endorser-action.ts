import { ledger, peer } from '@hyperledger/fabric-protos';
import { proposalHash } from './proposal-hash.js';
import { refuse, type EnvelopeParts, type Refusal } from './parse-transaction.js';
import { decodeBounded } from '@speedledger/orderer-bft';

const C = peer.TxValidationCode;
type KVRWSet = ledger.rwset.kvrwset.KVRWSet;

/** One namespace's read/write set. */
export interface NamespaceRwSet {
  readonly namespace: string;
  readonly rwset: KVRWSet;
}

/** An endorser transaction's single action, taken apart (signatures not yet checked). */
export interface EndorserAction {
  /** Chaincode invoked, from the channel header extension. */
  readonly chaincodeName: string;
  readonly proposalResponsePayload: Uint8Array;
  readonly endorsements: readonly peer.Endorsement[];
  readonly namespaces: readonly NamespaceRwSet[];
  readonly event?: peer.ChaincodeEvent;
}

function parse<T>(decode: (bytes: Uint8Array) => T, bytes: Uint8Array): T | undefined {
  try {
    return decode(bytes);
  } catch {
    return undefined;
  }
}

const hasWrites = (ns: NamespaceRwSet): boolean => ns.rwset.getWritesList().length > 0 || ns.rwset.getMetadataWritesList().length > 0;

/** Whether the namespace writes anything (values or metadata), as Fabric's `txWritesToNamespace`. */
export { hasWrites as namespaceWrites };

/**
 * The structural checks of Fabric's `validateEndorserTransaction` and of the v20 dispatcher:
 * exactly one action (INVALID_ENDORSER_TRANSACTION), a proposal response payload bound to this
 * transaction's headers by its proposal hash (INVALID_ENDORSER_TRANSACTION), BAD_HEADER_EXTENSION,
 * BAD_RESPONSE_PAYLOAD, BAD_RWSET, chaincode ids consistent (INVALID_CHAINCODE), an event of the
 * invoked chaincode (INVALID_OTHER_REASON), no duplicate namespace (ILLEGAL_WRITESET). Private
 * data (collection hashed read/write sets) is not supported: INVALID_OTHER_REASON.
 */
export function parseEndorserAction(parts: EnvelopeParts): EndorserAction | Refusal {
  const transaction = parse((b) => decodeBounded(peer.Transaction, b), parts.payload.getData_asU8());
  if (transaction === undefined) return refuse(C.INVALID_ENDORSER_TRANSACTION, 'payload data is not a peer.Transaction');
  const actions = transaction.getActionsList();
  if (actions.length !== 1) return refuse(C.INVALID_ENDORSER_TRANSACTION, `a transaction must carry exactly one action, this one ${actions.length}`);
  const actionPayload = parse((b) => decodeBounded(peer.ChaincodeActionPayload, b), actions[0]!.getPayload_asU8());
  const endorsed = actionPayload?.getAction();
  if (actionPayload === undefined || endorsed === undefined) return refuse(C.INVALID_ENDORSER_TRANSACTION, 'action payload is not a ChaincodeActionPayload with an endorsed action');
  const prpBytes = endorsed.getProposalResponsePayload_asU8();
  const prp = parse((b) => decodeBounded(peer.ProposalResponsePayload, b), prpBytes);
  if (prp === undefined) return refuse(C.INVALID_ENDORSER_TRANSACTION, 'malformed proposal response payload');
  const expectedHash = proposalHash(parts.channelHeaderBytes, parts.signatureHeaderBytes, actionPayload.getChaincodeProposalPayload_asU8());
  if (!Buffer.from(prp.getProposalHash_asU8()).equals(Buffer.from(expectedHash))) {
    return refuse(C.INVALID_ENDORSER_TRANSACTION, 'proposal hash does not match the transaction headers and proposal payload');
  }

  const extension = parse((b) => decodeBounded(peer.ChaincodeHeaderExtension, b), parts.channelHeader.getExtension_asU8());
  if (extension === undefined) return refuse(C.BAD_HEADER_EXTENSION, 'channel header extension is not a ChaincodeHeaderExtension');
  const action = parse((b) => decodeBounded(peer.ChaincodeAction, b), prp.getExtension_asU8());
  if (action === undefined) return refuse(C.BAD_RESPONSE_PAYLOAD, 'proposal response extension is not a ChaincodeAction');
  const txRwSet = parse((b) => decodeBounded(ledger.rwset.TxReadWriteSet, b), action.getResults_asU8());
  if (txRwSet === undefined) return refuse(C.BAD_RWSET, 'results are not a TxReadWriteSet');
  const namespaces: NamespaceRwSet[] = [];
  for (const ns of txRwSet.getNsRwsetList()) {
    const rwset = parse((b) => decodeBounded(ledger.rwset.kvrwset.KVRWSet, b), ns.getRwset_asU8());
    if (rwset === undefined) return refuse(C.BAD_RWSET, `namespace '${ns.getNamespace()}' has no valid KVRWSet`);
    namespaces.push({ namespace: ns.getNamespace(), rwset });
    if (ns.getCollectionHashedRwsetList().length > 0) return refuse(C.INVALID_OTHER_REASON, `private data (namespace '${ns.getNamespace()}') is not supported`);
  }

  const headerId = extension.getChaincodeId();
  const actionId = action.getChaincodeId();
  if (headerId === undefined) return refuse(C.INVALID_OTHER_REASON, 'no chaincode id in the header extension');
  if (actionId === undefined) return refuse(C.INVALID_OTHER_REASON, 'no chaincode id in the chaincode action');
  const chaincodeName = headerId.getName();
  if (chaincodeName === '') return refuse(C.INVALID_CHAINCODE, 'empty chaincode name');
  if (chaincodeName !== actionId.getName()) return refuse(C.INVALID_CHAINCODE, `inconsistent chaincode ids '${chaincodeName}' / '${actionId.getName()}'`);
  if (actionId.getVersion() === '') return refuse(C.INVALID_CHAINCODE, 'empty chaincode version');

  let event: peer.ChaincodeEvent | undefined;
  if (action.getEvents_asU8().byteLength > 0) {
    event = parse((b) => decodeBounded(peer.ChaincodeEvent, b), action.getEvents_asU8());
    if (event === undefined) return refuse(C.INVALID_OTHER_REASON, 'malformed chaincode event');
    if (event.getChaincodeId() !== chaincodeName) return refuse(C.INVALID_OTHER_REASON, `event of chaincode '${event.getChaincodeId()}' in a transaction of '${chaincodeName}'`);
  }
  const seen = new Set<string>();
  for (const ns of namespaces) {
    if (seen.has(ns.namespace)) return refuse(C.ILLEGAL_WRITESET, `duplicate namespace '${ns.namespace}'`);
    seen.add(ns.namespace);
  }
  return {
    chaincodeName,
    proposalResponsePayload: prpBytes,
    endorsements: endorsed.getEndorsementsList(),
    namespaces,
    ...(event === undefined ? {} : { event }),
  };
}
