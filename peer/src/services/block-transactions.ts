import { common, peer } from '@hyperledger/fabric-protos';
import { decodeBounded } from '@speedledger/orderer-bft';

/** Index of TRANSACTIONS_FILTER in `common.BlockMetadata` (Fabric's BlockMetadataIndex). */
export const TRANSACTIONS_FILTER_INDEX = 2;

/** One transaction of a committed block as Deliver and the Gateway report it. */
export interface BlockTransaction {
  readonly txId: string;
  /** `common.HeaderType` (0 when unreadable). */
  readonly type: number;
  /** `peer.TxValidationCode` from the block's TRANSACTIONS_FILTER (NOT_VALIDATED if absent). */
  readonly code: number;
  /** The chaincode event of an endorser transaction, if it set one. */
  readonly event?: peer.ChaincodeEvent;
}

function chaincodeEventOf(payload: common.Payload): peer.ChaincodeEvent | undefined {
  const transaction = decodeBounded(peer.Transaction, payload.getData_asU8());
  const action = transaction.getActionsList()[0];
  if (action === undefined) return undefined;
  const endorsed = decodeBounded(peer.ChaincodeActionPayload, action.getPayload_asU8()).getAction();
  if (endorsed === undefined) return undefined;
  const responsePayload = decodeBounded(peer.ProposalResponsePayload, endorsed.getProposalResponsePayload_asU8());
  const chaincodeAction = decodeBounded(peer.ChaincodeAction, responsePayload.getExtension_asU8());
  const events = chaincodeAction.getEvents_asU8();
  if (events.byteLength === 0) return undefined;
  const event = decodeBounded(peer.ChaincodeEvent, events);
  return event.getChaincodeId() === '' && event.getEventName() === '' ? undefined : event;
}

/**
 * The transactions of a committed block with their validation codes and chaincode events.
 * Never throws: an unreadable envelope is reported with an empty id and type 0.
 */
export function blockTransactions(block: common.Block): BlockTransaction[] {
  const filter = block.getMetadata()?.getMetadataList_asU8()[TRANSACTIONS_FILTER_INDEX] ?? new Uint8Array();
  return (block.getData()?.getDataList_asU8() ?? []).map((bytes, index) => {
    const code = filter[index] ?? peer.TxValidationCode.NOT_VALIDATED;
    try {
      const payload = decodeBounded(common.Payload, decodeBounded(common.Envelope, bytes).getPayload_asU8());
      const header = decodeBounded(common.ChannelHeader, payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array());
      const type = header.getType();
      let event: peer.ChaincodeEvent | undefined;
      if (type === common.HeaderType.ENDORSER_TRANSACTION) {
        try {
          event = chaincodeEventOf(payload);
        } catch {
          event = undefined;
        }
      }
      return { txId: header.getTxId(), type, code, ...(event === undefined ? {} : { event }) };
    } catch {
      return { txId: '', type: 0, code };
    }
  });
}

/** Fabric's FilteredBlock: ids, types, codes and chaincode events without their payloads. */
export function filteredBlock(block: common.Block, channelId: string): peer.FilteredBlock {
  const filtered = new peer.FilteredBlock();
  filtered.setChannelId(channelId);
  filtered.setNumber(block.getHeader()?.getNumber() ?? 0);
  filtered.setFilteredTransactionsList(blockTransactions(block).map((tx) => {
    const item = new peer.FilteredTransaction();
    item.setTxid(tx.txId);
    item.setType(tx.type as common.HeaderTypeMap[keyof common.HeaderTypeMap]);
    item.setTxValidationCode(tx.code as peer.TxValidationCodeMap[keyof peer.TxValidationCodeMap]);
    if (tx.type === common.HeaderType.ENDORSER_TRANSACTION) {
      const actions = new peer.FilteredTransactionActions();
      if (tx.event !== undefined) {
        const event = new peer.ChaincodeEvent();
        event.setChaincodeId(tx.event.getChaincodeId());
        event.setTxId(tx.event.getTxId());
        event.setEventName(tx.event.getEventName());
        const action = new peer.FilteredChaincodeAction();
        action.setChaincodeEvent(event);
        actions.addChaincodeActions(action);
      }
      item.setTransactionActions(actions);
    }
    return item;
  }));
  return filtered;
}
