import { common, orderer } from '@hyperledger/fabric-protos';
import { decodeBounded } from '@speedledger/orderer-bft';

/** A checked Deliver request: blocks [start, stop] and what to do past the ledger height. */
export interface SeekRequest {
  readonly start: number;
  /** Inclusive; `Infinity` for an open-ended seek (max specified number). */
  readonly stop: number;
  readonly blockUntilReady: boolean;
  /** The signed envelope's creator and the bytes it signed, for the access check. */
  readonly creator: Uint8Array;
  readonly signedData: Uint8Array;
  readonly signature: Uint8Array;
}

/**
 * Parses a Deliver seek envelope for channel `channelId` at ledger `height` (blocks 0..height-1):
 * OLDEST = 0, NEWEST = height - 1, NEXT_COMMIT = height, SPECIFIED = as given. Returns the reason
 * (for a BAD_REQUEST/NOT_FOUND answer) when it is unusable.
 */
export function parseSeekRequest(envelope: common.Envelope, channelId: string, height: number): SeekRequest | { readonly error: string; readonly status: number } {
  const bad = (error: string) => ({ error, status: common.Status.BAD_REQUEST });
  let payload: common.Payload;
  let channelHeader: common.ChannelHeader;
  let signatureHeader: common.SignatureHeader;
  let info: orderer.SeekInfo;
  try {
    payload = decodeBounded(common.Payload, envelope.getPayload_asU8());
    const header = payload.getHeader();
    if (header === undefined) return bad('seek envelope has no header');
    channelHeader = decodeBounded(common.ChannelHeader, header.getChannelHeader_asU8());
    signatureHeader = decodeBounded(common.SignatureHeader, header.getSignatureHeader_asU8());
    info = decodeBounded(orderer.SeekInfo, payload.getData_asU8());
  } catch (cause) {
    return bad(`malformed seek envelope: ${(cause as Error).message}`);
  }
  if (channelHeader.getType() !== common.HeaderType.DELIVER_SEEK_INFO) return bad(`header type ${channelHeader.getType()} is not DELIVER_SEEK_INFO`);
  if (channelHeader.getChannelId() !== channelId) return { error: `channel '${channelHeader.getChannelId()}' is not served here`, status: common.Status.NOT_FOUND };
  const position = (p: orderer.SeekPosition | undefined, which: string): number | string => {
    switch (p?.getTypeCase()) {
      case orderer.SeekPosition.TypeCase.OLDEST:
        return 0;
      case orderer.SeekPosition.TypeCase.NEWEST:
        return Math.max(0, height - 1);
      case orderer.SeekPosition.TypeCase.NEXT_COMMIT:
        return height;
      case orderer.SeekPosition.TypeCase.SPECIFIED: {
        const n = p.getSpecified()!.getNumber();
        return n >= Number.MAX_SAFE_INTEGER ? Infinity : n;
      }
      default:
        return `seek ${which} position is missing`;
    }
  };
  const start = position(info.getStart(), 'start');
  const stop = position(info.getStop(), 'stop');
  if (typeof start === 'string') return bad(start);
  if (typeof stop === 'string') return bad(stop);
  if (start > stop) return bad(`seek start ${start} is after stop ${stop}`);
  return {
    start, stop, blockUntilReady: info.getBehavior() === orderer.SeekInfo.SeekBehavior.BLOCK_UNTIL_READY,
    creator: signatureHeader.getCreator_asU8(), signedData: envelope.getPayload_asU8(), signature: envelope.getSignature_asU8(),
  };
}
