import { canonicalJson } from './canonical-json.js';
import { ContractError } from './contract-error.js';
import { Info, LrContext, LrContract, Returns, Transaction } from './fabric-api.js';
import { LR_SPEED_ALGORITHM } from './lr-algorithm.js';
import { getMeasurement, listByMeterAndTime, listViolations } from './measurement-queries.js';
import { authenticateReading, recordReading, recordSummary } from './reading-judge.js';
import type { SpeedAlgorithm } from './speed-algorithm.js';

/** Most readings one `SubmitReadings` transaction accepts (bounds the transaction's size). */
export const MAX_BATCH = 100;

function decodeBatch(json: string): Uint8Array[] {
  let items: unknown;
  try {
    items = JSON.parse(json);
  } catch (error) {
    throw new ContractError('INVALID_ARGUMENT', 'batch is not JSON', {}, error);
  }
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_BATCH) {
    throw new ContractError('INVALID_ARGUMENT', `batch must be a JSON array of 1..${MAX_BATCH} base64 strings`);
  }
  return items.map((item, index) => {
    const bytes = typeof item === 'string' ? Buffer.from(item, 'base64') : null;
    // Buffer.from(…, 'base64') skips junk silently; a strict round trip keeps the bytes exact.
    if (!bytes || bytes.toString('base64') !== item) throw new ContractError('INVALID_ARGUMENT', `batch item ${index} is not canonical base64`);
    return bytes;
  });
}

/**
 * `SpeedMeasurement`: the LR transactions. Every authentic reading leaves exactly one record
 * (accepted or invalidated with its reason); inauthentic input writes nothing.
 */
@Info({ title: 'SpeedMeasurement', description: 'Signed DLR1 readings in, legal speed records out' })
export class SpeedMeasurementContract extends LrContract {
  readonly #algorithm: SpeedAlgorithm;

  constructor(algorithm: SpeedAlgorithm = LR_SPEED_ALGORITHM) {
    super('SpeedMeasurement');
    this.#algorithm = algorithm;
  }

  /**
   * Judges one reading. Argument 1 is the raw DLR1 bytes; they are taken from the stub's byte
   * arguments (the declared string parameter would lose bytes to UTF-8 decoding). Inauthentic
   * input (MALFORMED, UNKNOWN_METER, REVOKED_METER, BAD_SIGNATURE, REPLAYED_SEQ) fails the
   * transaction. Event `ReadingSubmitted`.
   */
  @Transaction()
  @Returns('string')
  async SubmitReading(ctx: LrContext, _dlr1: string): Promise<string> {
    // The real ChaincodeStub has getBufferArgs(); fabric-shim-api's interface omits it.
    const bytes = (ctx.stub as unknown as { getBufferArgs(): Buffer[] }).getBufferArgs()[1];
    if (!bytes) throw new ContractError('INVALID_ARGUMENT', 'SubmitReading needs the DLR1 bytes');
    const authentic = await authenticateReading(ctx, new Uint8Array(bytes), new Set());
    const record = await recordReading(ctx, this.#algorithm, authentic);
    ctx.stub.setEvent('ReadingSubmitted', Buffer.from(canonicalJson({ txId: ctx.stub.getTxID(), items: [{ index: 0, ...recordSummary(record) }] })));
    return canonicalJson(record);
  }

  /**
   * Judges a batch (JSON array of base64 DLR1 readings), each independently: an authentic
   * reading is recorded; an inauthentic or replayed one (also a repeat within the batch) is
   * reported as `refused` with its code and writes nothing. Only a malformed batch argument
   * fails the whole transaction. Event `ReadingsSubmitted` with one entry per item.
   */
  @Transaction()
  @Returns('string')
  async SubmitReadings(ctx: LrContext, batchJson: string): Promise<string> {
    const items = decodeBatch(batchJson);
    const pending = new Set<string>();
    const results: Record<string, unknown>[] = [];
    for (const [index, bytes] of items.entries()) {
      try {
        const authentic = await authenticateReading(ctx, bytes, pending);
        pending.add(authentic.ledgerKey);
        const record = await recordReading(ctx, this.#algorithm, authentic);
        results.push({ index, status: 'recorded', record });
      } catch (error) {
        if (!(error instanceof ContractError)) throw error;
        results.push({ index, status: 'refused', code: error.code, detail: error.message, ...error.ids });
      }
    }
    const eventItems = results.map((r) =>
      r.status === 'recorded' ? { index: r.index, ...recordSummary(r.record as never) } : { index: r.index, refused: r.code, meterId: r.meterId ?? null, seq: r.seq ?? null },
    );
    ctx.stub.setEvent('ReadingsSubmitted', Buffer.from(canonicalJson({ txId: ctx.stub.getTxID(), items: eventItems })));
    return canonicalJson({ txId: ctx.stub.getTxID(), results });
  }

  /** The record of reading (meterId, seq), NOT_FOUND when absent. */
  @Transaction(false)
  @Returns('string')
  async GetMeasurement(ctx: LrContext, meterId: string, seq: string): Promise<string> {
    return canonicalJson(await getMeasurement(ctx, meterId, seq));
  }

  /** A page of one meter's records with t0 in [fromUs, toUs) ('' = open): `{"items":[…],"bookmark":"…"}`. */
  @Transaction(false)
  @Returns('string')
  async ListMeasurements(ctx: LrContext, meterId: string, fromUs: string, toUs: string, pageSize: string, bookmark: string): Promise<string> {
    return listByMeterAndTime(ctx, meterId, fromUs, toUs, pageSize, bookmark);
  }

  /** A page of violations of all meters with t0 in [fromUs, toUs) ('' = open), in time order. */
  @Transaction(false)
  @Returns('string')
  async ListViolations(ctx: LrContext, fromUs: string, toUs: string, pageSize: string, bookmark: string): Promise<string> {
    return listViolations(ctx, fromUs, toUs, pageSize, bookmark);
  }
}
