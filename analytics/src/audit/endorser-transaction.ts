import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';

/** What the auditor needs of one endorser transaction, read straight from the block's envelope. */
export interface EndorserTransaction {
  readonly txId: string;
  readonly channelId: string;
  readonly timestamp: Date;
  readonly creatorMspId: string;
  /** The chaincode invoked (channel header extension). */
  readonly chaincodeName: string;
  /** `ChaincodeInput.args`: function name, then arguments, exactly as endorsed. */
  readonly args: readonly Uint8Array[];
  /** A `peer.SignedProposal` equivalent to the one the endorsers executed (signature left empty). */
  readonly signedProposal: Uint8Array;
  /** The recorded `rwset.TxReadWriteSet` bytes all endorsers signed. */
  readonly results: Uint8Array;
  /** MSP ids of the endorsements, in order (signatures are checked by the validation stage). */
  readonly endorserMspIds: readonly string[];
}

function parse<T>(decode: (bytes: Uint8Array) => T, bytes: Uint8Array): T | undefined {
  try {
    return decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Takes an ENDORSER_TRANSACTION envelope apart, or returns undefined when it is not one or is
 * too malformed to have been valid (validation reports those). The proposal is rebuilt from the
 * transaction's own header and chaincode proposal payload: the proposal hash in the endorsed
 * response binds exactly these bytes, so the rebuilt proposal is the one the endorsers ran.
 */
export function parseEndorserTransaction(envelopeBytes: Uint8Array): EndorserTransaction | undefined {
  const envelope = parse((b) => common.Envelope.deserializeBinary(b), envelopeBytes);
  const payload = envelope && parse((b) => common.Payload.deserializeBinary(b), envelope.getPayload_asU8());
  const header = payload?.getHeader();
  if (payload === undefined || header === undefined) return undefined;
  const channelHeader = parse((b) => common.ChannelHeader.deserializeBinary(b), header.getChannelHeader_asU8());
  const signatureHeader = parse((b) => common.SignatureHeader.deserializeBinary(b), header.getSignatureHeader_asU8());
  if (channelHeader === undefined || signatureHeader === undefined || channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) return undefined;
  const transaction = parse((b) => peer.Transaction.deserializeBinary(b), payload.getData_asU8());
  const action = transaction?.getActionsList()[0];
  const actionPayload = action && parse((b) => peer.ChaincodeActionPayload.deserializeBinary(b), action.getPayload_asU8());
  const endorsed = actionPayload?.getAction();
  if (actionPayload === undefined || endorsed === undefined) return undefined;
  const prp = parse((b) => peer.ProposalResponsePayload.deserializeBinary(b), endorsed.getProposalResponsePayload_asU8());
  const chaincodeAction = prp && parse((b) => peer.ChaincodeAction.deserializeBinary(b), prp.getExtension_asU8());
  const extension = parse((b) => peer.ChaincodeHeaderExtension.deserializeBinary(b), channelHeader.getExtension_asU8());
  const proposalPayloadBytes = actionPayload.getChaincodeProposalPayload_asU8();
  const proposalPayload = parse((b) => peer.ChaincodeProposalPayload.deserializeBinary(b), proposalPayloadBytes);
  const spec = proposalPayload && parse((b) => peer.ChaincodeInvocationSpec.deserializeBinary(b), proposalPayload.getInput_asU8());
  const input = spec?.getChaincodeSpec()?.getInput();
  if (chaincodeAction === undefined || extension === undefined || input === undefined) return undefined;
  const creator = parse((b) => msp.SerializedIdentity.deserializeBinary(b), signatureHeader.getCreator_asU8());

  const proposal = new peer.Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(proposalPayloadBytes);
  const signed = new peer.SignedProposal();
  signed.setProposalBytes(proposal.serializeBinary());
  const ts = channelHeader.getTimestamp();
  return {
    txId: channelHeader.getTxId(),
    channelId: channelHeader.getChannelId(),
    timestamp: ts === undefined ? new Date(0) : new Date(ts.getSeconds() * 1000 + Math.floor(ts.getNanos() / 1e6)),
    creatorMspId: creator?.getMspid() ?? '',
    chaincodeName: extension.getChaincodeId()?.getName() ?? '',
    args: input.getArgsList_asU8(),
    signedProposal: signed.serializeBinary(),
    results: chaincodeAction.getResults_asU8(),
    endorserMspIds: endorsed.getEndorsementsList().map((e) => parse((b) => msp.SerializedIdentity.deserializeBinary(b), e.getEndorser_asU8())?.getMspid() ?? '?'),
  };
}

/** One namespace's value writes of a `TxReadWriteSet` (null value = delete), for diffs. */
export function writesOf(results: Uint8Array): Map<string, Map<string, Uint8Array | null>> {
  const out = new Map<string, Map<string, Uint8Array | null>>();
  const set = parse((b) => ledger.rwset.TxReadWriteSet.deserializeBinary(b), results);
  for (const ns of set?.getNsRwsetList() ?? []) {
    const kv = parse((b) => ledger.rwset.kvrwset.KVRWSet.deserializeBinary(b), ns.getRwset_asU8());
    const writes = new Map<string, Uint8Array | null>();
    for (const w of kv?.getWritesList() ?? []) writes.set(w.getKey(), w.getIsDelete() ? null : w.getValue_asU8());
    out.set(ns.getNamespace(), writes);
  }
  return out;
}

/** Whether the recorded read set holds a read of `namespace`/`key` (whatever its version). */
export function readsKey(results: Uint8Array, namespace: string, key: string): boolean {
  const set = parse((b) => ledger.rwset.TxReadWriteSet.deserializeBinary(b), results);
  const ns = set?.getNsRwsetList().find((n) => n.getNamespace() === namespace);
  const kv = ns && parse((b) => ledger.rwset.kvrwset.KVRWSet.deserializeBinary(b), ns.getRwset_asU8());
  return kv?.getReadsList().some((r) => r.getKey() === key) ?? false;
}
