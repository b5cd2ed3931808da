import { common, peer as peerProtos } from '@hyperledger/fabric-protos';
import { ledger } from '@speedledger/peer';
import { parseEndorserTransaction, writesOf } from '../audit/endorser-transaction.js';
import { roadOf, type InvalidTransaction, type ReadingObservation } from './observations.js';

const CODE_NAMES = Object.fromEntries(Object.entries(peerProtos.TxValidationCode).map(([k, v]) => [v, k])) as Record<number, string>;
const MEASUREMENT = '\u0000measurement\u0000';
const METER = '\u0000meter\u0000';

/** What one block shows surveillance. */
export interface BlockObservations {
  readonly observations: ReadingObservation[];
  readonly invalid: InvalidTransaction[];
  /** Registry writes: meterId → site location. */
  readonly meterLocations: Map<string, string>;
}

function channelHeaderOf(envelope: Uint8Array): common.ChannelHeader | undefined {
  try {
    const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelope).getPayload_asU8());
    return common.ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8());
  } catch {
    return undefined;
  }
}

/**
 * The measurement records and registry writes of a block's valid transactions, and its
 * invalidated transactions, as the committing peers marked them (TRANSACTIONS_FILTER).
 * Surveillance looks for patterns; proving each record is the audit's job.
 */
export function observeBlock(block: common.Block, chaincodeName: string, locationOf: (meterId: string) => string | undefined): BlockObservations {
  const number = block.getHeader()?.getNumber() ?? 0;
  const filter = ledger.transactionsFilterOf(block);
  const out: BlockObservations = { observations: [], invalid: [], meterLocations: new Map() };
  (block.getData()?.getDataList_asU8() ?? []).forEach((envelope, index) => {
    const code = filter[index];
    const tx = parseEndorserTransaction(envelope);
    if (code !== undefined && code !== peerProtos.TxValidationCode.VALID) {
      const header = channelHeaderOf(envelope);
      const ts = header?.getTimestamp();
      out.invalid.push({ blockNumber: number, txId: header?.getTxId() ?? '', code: CODE_NAMES[code] ?? String(code), creatorMspId: tx?.creatorMspId ?? '', txTimeMs: ts ? ts.getSeconds() * 1000 + Math.floor(ts.getNanos() / 1e6) : 0 });
      return;
    }
    if (tx === undefined || tx.chaincodeName !== chaincodeName) return;
    for (const [key, value] of writesOf(tx.results).get(chaincodeName) ?? []) {
      if (value === null) continue;
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(Buffer.from(value).toString('utf8')) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (key.startsWith(METER) && typeof record.meterId === 'string') {
        const site = record.site as { location?: unknown } | undefined;
        if (typeof site?.location === 'string') out.meterLocations.set(record.meterId, site.location);
      } else if (key.startsWith(MEASUREMENT) && typeof record.meterId === 'string' && typeof record.seq === 'string') {
        const location = out.meterLocations.get(record.meterId) ?? locationOf(record.meterId) ?? '';
        out.observations.push({
          meterId: record.meterId, seq: record.seq, t0Us: String(record.t0Us), txTimeMs: tx.timestamp.getTime(),
          verdict: record.verdict === 'ACCEPTED' ? 'ACCEPTED' : 'INVALIDATED', reason: typeof record.reason === 'string' ? record.reason : null,
          speedCentiKmh: typeof record.speedCentiKmh === 'number' ? record.speedCentiKmh : null, speedLimitKmh: Number(record.speedLimitKmh), violation: record.violation === true,
          road: roadOf(location), blockNumber: number, txId: tx.txId, endorsers: tx.endorserMspIds,
        });
      }
    }
  });
  return out;
}
