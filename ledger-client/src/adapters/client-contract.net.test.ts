import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectOptions, LedgerClient } from '../ledger-client.js';
import { closedPort, createClientFixture, profileFor, type ClientFixture } from '../test-support/client-fixture.js';
import { connectFabricNetwork } from './fabric-network-adapter.js';
import { connectGateway } from './fabric-gateway-adapter.js';

/*
 * The part of the shared client contract that needs no running network: both libraries, same
 * situations, same codes. The live part (commit, refusals, replay) is the network package's
 * end-to-end test.
 */
const adapters: [string, (options: ConnectOptions) => Promise<LedgerClient>][] = [
  ['@hyperledger/fabric-gateway', connectGateway],
  ['fabric-network 2.2', connectFabricNetwork],
];

let fixture: ClientFixture;
let port: number;
beforeAll(async () => {
  fixture = await createClientFixture();
  port = await closedPort();
});
afterAll(async () => {
  await fixture.remove();
});

const reading = new Uint8Array(200).fill(7);

for (const [library, connectTo] of adapters) {
  describe(`ledger client contract over ${library} (no network)`, { timeout: 60_000 }, () => {
    it('reports UNAVAILABLE for queries and submissions when the peer is unreachable, then closes', async () => {
      const client = await connectTo({
        connectionProfile: profileFor(fixture.mspId, port, port),
        mspId: fixture.mspId,
        mspDir: fixture.userMspDir,
        timeouts: { evaluateMs: 5_000, endorseMs: 5_000 },
      });
      await expect(client.getMeter('SP-0001')).rejects.toMatchObject({ name: 'LedgerError', code: 'UNAVAILABLE', stage: 'evaluate' });
      const failure = await client.submitReading(reading).catch((e: unknown) => e);
      expect(failure).toMatchObject({ name: 'LedgerError', code: 'UNAVAILABLE', stage: 'endorse' });
      expect((failure as { transactionId?: string }).transactionId).toMatch(/^[0-9a-f]{64}$/);
      await client.close();
      await expect(client.listViolations()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    });

    it('chaincode events from an unreachable peer: fabric-gateway fails the stream with UNAVAILABLE; fabric-network retries silently until closed', async () => {
      const client = await connectTo({ connectionProfile: profileFor(fixture.mspId, port, port), mspId: fixture.mspId, mspDir: fixture.userMspDir });
      const events = await client.chaincodeEvents({ startBlock: 0n });
      try {
        const next = events[Symbol.asyncIterator]().next().then((r) => r, (error: unknown) => error);
        if (library === '@hyperledger/fabric-gateway') {
          expect(await next).toMatchObject({ name: 'LedgerError', code: 'UNAVAILABLE', stage: 'events' });
        } else {
          const pending = await Promise.race([next, new Promise((resolve) => setTimeout(() => resolve('still waiting'), 3_000))]);
          expect(pending).toBe('still waiting');
          events.close();
          expect(await next).toEqual({ value: undefined, done: true });
        }
      } finally {
        events.close();
        await client.close();
      }
    });

    it('refuses INVALID_ARGUMENT before any call, and INVALID_CONFIG at connect', async () => {
      const client = await connectTo({ connectionProfile: profileFor(fixture.mspId, port, port), mspId: fixture.mspId, mspDir: fixture.userMspDir });
      await expect(client.submitReadings([])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await client.close();
      await expect(connectTo({ connectionProfile: profileFor(fixture.mspId, port, port), mspId: 'PTBMSP', mspDir: fixture.userMspDir })).rejects.toMatchObject({
        code: 'INVALID_CONFIG',
      });
      await expect(connectTo({ connectionProfile: { peers: {} }, mspId: fixture.mspId, mspDir: fixture.userMspDir })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    });
  });
}
