import { deriveMeterSigner, encodeSignedDlr1 } from '@speedledger/datasets';
import { describe, expect, it } from 'vitest';
import { createLedgerClient } from './create-ledger-client.js';
import { LedgerError } from './errors/ledger-error.js';
import { EventQueue } from './events/event-queue.js';
import type { Committed } from './ledger-client.js';
import type { LedgerCall, LedgerTransport } from './ledger-transport.js';

/** A transport that records calls and answers from a script: our interface, not Fabric's. */
function scriptedTransport(answer: (call: LedgerCall) => Uint8Array | Error): LedgerTransport & { calls: LedgerCall[]; closed: number } {
  const transport = {
    library: 'scripted',
    calls: [] as LedgerCall[],
    closed: 0,
    async evaluate(call: LedgerCall) {
      transport.calls.push(call);
      const result = answer(call);
      if (result instanceof Error) throw result;
      return result;
    },
    async submit(call: LedgerCall): Promise<Committed<Uint8Array>> {
      transport.calls.push(call);
      const result = answer(call);
      if (result instanceof Error) throw result;
      return { transactionId: 'tx1', blockNumber: 9n, result };
    },
    async chaincodeEvents(chaincode: string, startBlock?: bigint) {
      transport.calls.push({ chaincode, fn: 'events', args: startBlock === undefined ? [] : [String(startBlock)] });
      return new EventQueue(() => undefined);
    },
    async close() {
      transport.closed += 1;
    },
  };
  return transport;
}

const json = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value));
const signer = deriveMeterSigner('create-ledger-client', 'SP-0042');
const dlr1 = encodeSignedDlr1({ meterId: 'SP-0042', seq: 5n, t0Us: 1n, sampleRateHz: 10_000, loopA: new Uint16Array(32), loopB: new Uint16Array(32) }, signer);
const record = { meterId: 'SP-0042', seq: '5', verdict: 'ACCEPTED', txId: 'tx1', speedCentiKmh: 5000 };

describe('createLedgerClient', () => {
  it('sends SubmitReading with the raw bytes to the default chaincode and returns the committed record', async () => {
    const transport = scriptedTransport(() => json(record));
    const client = createLedgerClient(transport, 'lr-chaincode');
    const submitted = await client.submitReading(dlr1);
    expect(transport.calls[0]).toEqual({ chaincode: 'lr-chaincode', fn: 'SpeedMeasurement:SubmitReading', args: [dlr1] });
    expect(submitted).toEqual({ transactionId: 'tx1', blockNumber: 9n, measurement: record });
  });

  it("adds the reading's meter and seq to a refusal the peer reported without them", async () => {
    const refusal = new LedgerError('CONTRACT_REJECTED', 'rejected', { stage: 'endorse', transactionId: 'tx2', contractCode: 'UNKNOWN_METER' });
    const client = createLedgerClient(scriptedTransport(() => refusal), 'lr-chaincode');
    const error = (await client.submitReading(dlr1).catch((e: unknown) => e)) as LedgerError;
    expect(error.code).toBe('CONTRACT_REJECTED');
    expect(error.contractCode).toBe('UNKNOWN_METER');
    expect([error.meterId, error.seq, error.transactionId]).toEqual(['SP-0042', '5', 'tx2']);
  });

  it('routes generic calls to another chaincode and refuses an empty function name', async () => {
    const transport = scriptedTransport(() => json({}));
    const client = createLedgerClient(transport, 'lr-chaincode');
    await client.evaluate('QueryChaincodeDefinitions', ['x'], { chaincode: '_lifecycle' });
    expect(transport.calls[0]).toMatchObject({ chaincode: '_lifecycle', fn: 'QueryChaincodeDefinitions' });
    await expect(client.submit('', [])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('returns batch results item by item', async () => {
    const results = [{ index: 0, status: 'recorded', record }, { index: 1, status: 'refused', code: 'REPLAYED_SEQ', detail: '[REPLAYED_SEQ] x', meterId: 'SP-0042', seq: '5' }];
    const client = createLedgerClient(scriptedTransport(() => json({ txId: 'tx1', results })), 'lr-chaincode');
    const batch = await client.submitReadings([dlr1, dlr1]);
    expect(batch.results).toEqual(results);
  });

  it('refuses an answer of the wrong shape as BAD_RESPONSE', async () => {
    const client = createLedgerClient(scriptedTransport(() => json({ items: 'nope' })), 'lr-chaincode');
    await expect(client.listViolations()).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('closes once and fails calls after close without reaching the transport', async () => {
    const transport = scriptedTransport(() => json(record));
    const client = createLedgerClient(transport, 'lr-chaincode');
    await client.close();
    await client.close();
    expect(transport.closed).toBe(1);
    await expect(client.getMeasurement('SP-0042', 5n)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(transport.calls).toHaveLength(0);
  });
});
