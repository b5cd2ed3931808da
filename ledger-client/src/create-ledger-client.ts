import type { MeasurementRecord, MeterRecord } from '@speedledger/lr-chaincode/contract';
import { decodeDlr1 } from '@speedledger/lr-chaincode/core';
import {
  decodeJson, getMeasurementArgs, isBatchAnswer, isMeasurementPage, isMeasurementRecord, isMeterRecord, listMeasurementsArgs, listViolationsArgs,
  LR_FUNCTIONS, registerMeterArgs, revokeMeterArgs, submitReadingArgs, submitReadingsArgs,
} from './contract-calls.js';
import { LedgerError } from './errors/ledger-error.js';
import type { BatchItemResult, Committed, LedgerArgument, LedgerClient, Page } from './ledger-client.js';
import type { LedgerTransport } from './ledger-transport.js';

/** Meter and seq of a reading as the client sent it (undefined when it does not decode). */
function readingIds(dlr1: Uint8Array): { meterId?: string; seq?: string } {
  const decoded = decodeDlr1(dlr1);
  return decoded.ok ? { meterId: decoded.reading.meterId, seq: decoded.reading.seq.toString() } : {};
}

function withIds<T>(promise: Promise<T>, ids: { meterId?: string; seq?: string }): Promise<T> {
  return promise.catch((error: unknown) => {
    throw error instanceof LedgerError ? error.withDetails(ids) : error;
  });
}

function requireFn(fn: string): string {
  if (typeof fn !== 'string' || fn.length === 0) throw new LedgerError('INVALID_ARGUMENT', 'function name must be a non-empty string', { stage: 'endorse' });
  return fn;
}

/**
 * The {@link LedgerClient} over any {@link LedgerTransport}: argument encoding, answer decoding
 * and the ids added to errors live here once, so both Fabric client libraries behave alike.
 */
export function createLedgerClient(transport: LedgerTransport, chaincode: string): LedgerClient {
  let closed = false;
  const live = (): void => {
    if (closed) throw new LedgerError('UNAVAILABLE', `ledger client (${transport.library}) is closed`, { stage: 'connect' });
  };
  const evaluate = async (fn: string, args: readonly LedgerArgument[], cc = chaincode): Promise<Uint8Array> => {
    live();
    return transport.evaluate({ chaincode: cc, fn, args });
  };
  const submit = async (fn: string, args: readonly LedgerArgument[], cc = chaincode): Promise<Committed<Uint8Array>> => {
    live();
    return transport.submit({ chaincode: cc, fn, args });
  };
  const submitMeter = async (fn: string, args: LedgerArgument[], meterId: string): Promise<Committed<MeterRecord>> => {
    const committed = await withIds(submit(fn, args), { meterId });
    return { ...committed, result: decodeJson<MeterRecord>(committed.result, fn, isMeterRecord, committed.transactionId) };
  };

  return {
    async registerMeter(meterId, publicKeyHex, site) {
      return submitMeter(LR_FUNCTIONS.registerMeter, registerMeterArgs(meterId, publicKeyHex, site), meterId);
    },
    async revokeMeter(meterId, reason) {
      return submitMeter(LR_FUNCTIONS.revokeMeter, revokeMeterArgs(meterId, reason), meterId);
    },
    async getMeter(meterId) {
      const bytes = await withIds(evaluate(LR_FUNCTIONS.getMeter, [meterId]), { meterId });
      return decodeJson<MeterRecord>(bytes, LR_FUNCTIONS.getMeter, isMeterRecord);
    },
    async submitReading(dlr1) {
      const args = submitReadingArgs(dlr1);
      const committed = await withIds(submit(LR_FUNCTIONS.submitReading, args), readingIds(dlr1));
      const measurement = decodeJson<MeasurementRecord>(committed.result, LR_FUNCTIONS.submitReading, isMeasurementRecord, committed.transactionId);
      return { transactionId: committed.transactionId, blockNumber: committed.blockNumber, measurement };
    },
    async submitReadings(batch) {
      const args = submitReadingsArgs(batch);
      const committed = await submit(LR_FUNCTIONS.submitReadings, args);
      const answer = decodeJson<{ results: BatchItemResult[] }>(committed.result, LR_FUNCTIONS.submitReadings, isBatchAnswer, committed.transactionId);
      return { transactionId: committed.transactionId, blockNumber: committed.blockNumber, results: answer.results };
    },
    async getMeasurement(meterId, seq) {
      const args = getMeasurementArgs(meterId, seq);
      const bytes = await withIds(evaluate(LR_FUNCTIONS.getMeasurement, args), { meterId, seq: String(args[1]) });
      return decodeJson<MeasurementRecord>(bytes, LR_FUNCTIONS.getMeasurement, isMeasurementRecord);
    },
    async listMeasurements(meterId, window, page) {
      const bytes = await withIds(evaluate(LR_FUNCTIONS.listMeasurements, listMeasurementsArgs(meterId, window, page)), { meterId });
      return decodeJson<Page<MeasurementRecord>>(bytes, LR_FUNCTIONS.listMeasurements, isMeasurementPage);
    },
    async listViolations(window, page) {
      const bytes = await evaluate(LR_FUNCTIONS.listViolations, listViolationsArgs(window, page));
      return decodeJson<Page<MeasurementRecord>>(bytes, LR_FUNCTIONS.listViolations, isMeasurementPage);
    },
    async evaluate(fn, args, options) {
      return evaluate(requireFn(fn), [...args], options?.chaincode);
    },
    async submit(fn, args, options) {
      return submit(requireFn(fn), [...args], options?.chaincode);
    },
    async chaincodeEvents(request = {}) {
      live();
      if (request.startBlock !== undefined && (typeof request.startBlock !== 'bigint' || request.startBlock < 0n)) {
        throw new LedgerError('INVALID_ARGUMENT', `startBlock must be a non-negative bigint, got ${String(request.startBlock)}`, { stage: 'events' });
      }
      return transport.chaincodeEvents(request.chaincode ?? chaincode, request.startBlock);
    },
    async close() {
      if (closed) return;
      closed = true;
      await transport.close();
    },
  };
}
