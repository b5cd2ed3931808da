import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectFabricNetwork, connectGateway, type ConnectOptions, type LedgerChaincodeEvent, type LedgerClient } from '@speedledger/ledger-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOrg } from '../plan/network-orgs.js';
import { portSpan } from '../plan/network-plan.js';
import { freeBasePort } from '../runtime/free-base-port.js';
import { connectionProfilePath, downNetwork, identityDir } from '../runtime/network-control.js';
import { upNetwork } from '../runtime/up-network.js';
import { fleetShares, missingPrerequisite } from './test-support/acceptance-support.js';

/*
 * ledger-client's chaincode event streams against the embedded peer, through both client
 * libraries: fabric-gateway's ChaincodeEvents service and fabric-network's contract listener
 * (full blocks over Deliver). What sensor-ingest's edge registry cache follows.
 */
const missing = missingPrerequisite();
if (missing && process.env.CI) throw new Error(`chaincode events test cannot run: ${missing} is not built`);
if (missing) console.warn(`chaincode events test skipped: ${missing} is not built`);

const LIBRARIES: readonly [string, (options: ConnectOptions) => Promise<LedgerClient>][] = [
  ['@hyperledger/fabric-gateway', connectGateway],
  ['fabric-network 2.2', connectFabricNetwork],
];

/** Collects events until `done` says enough (or `timeoutMs` passes), then closes the stream. */
async function collect(client: LedgerClient, startBlock: bigint | undefined, done: (events: LedgerChaincodeEvent[]) => boolean, timeoutMs = 60_000): Promise<LedgerChaincodeEvent[]> {
  const stream = await client.chaincodeEvents(startBlock === undefined ? {} : { startBlock });
  const seen: LedgerChaincodeEvent[] = [];
  const timer = setTimeout(() => stream.close(), timeoutMs);
  try {
    for await (const event of stream) {
      seen.push(event);
      if (done(seen)) break;
    }
  } finally {
    clearTimeout(timer);
    stream.close();
  }
  return seen;
}

const text = (e: LedgerChaincodeEvent): Record<string, unknown> => JSON.parse(Buffer.from(e.payload).toString('utf8')) as Record<string, unknown>;

describe.skipIf(missing !== undefined)('chaincode events through both client libraries', { timeout: 240_000 }, () => {
  let dataDir = '';
  let registrar: LedgerClient;
  const { shares } = fleetShares(1, 3, 1, 20_261_205);
  const meters = shares[0]!.meters;
  const connectAs = (connect: (o: ConnectOptions) => Promise<LedgerClient>, org: string, user: string) =>
    connect({ connectionProfile: connectionProfilePath(dataDir, org), mspId: findOrg(org)!.mspId, mspDir: identityDir(dataDir, org, user) });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'speedledger-events-'));
    await upNetwork({ dataDir, basePort: await freeBasePort(portSpan(4)), healthTimeoutMs: 120_000 });
    registrar = await connectAs(connectGateway, 'inmetro', 'Registrar');
  }, 240_000);

  afterAll(async () => {
    await registrar?.close();
    if (dataDir) await downNetwork(dataDir, 5_000).catch(() => undefined);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('a stream from the next commit sees a registration and a revocation, with their blocks and transactions', async () => {
    const clients = await Promise.all(LIBRARIES.map(([, connect]) => connectAs(connect, 'cityoperator', 'User1')));
    try {
      const wanted = (events: LedgerChaincodeEvent[]) => events.some((e) => e.eventName === 'MeterRevoked');
      const following = clients.map((client) => collect(client, undefined, wanted));
      // Let both streams reach the peer before the transactions commit.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const registered = await registrar.registerMeter(meters[0]!.meterId, meters[0]!.publicKeyHex, meters[0]!.site);
      const revoked = await registrar.revokeMeter(meters[0]!.meterId, 'events test');
      for (const [index, events] of (await Promise.all(following)).entries()) {
        const registry = events.filter((e) => e.eventName.startsWith('Meter'));
        expect(registry.map((e) => [e.eventName, e.transactionId, e.blockNumber]), LIBRARIES[index]![0]).toEqual([
          ['MeterRegistered', registered.transactionId, registered.blockNumber],
          ['MeterRevoked', revoked.transactionId, revoked.blockNumber],
        ]);
        expect(text(registry[1]!)).toMatchObject({ meterId: meters[0]!.meterId, reason: 'events test' });
        expect(registry.every((e) => e.chaincode === 'lr-chaincode')).toBe(true);
      }
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });

  it('a stream from a past block replays what committed since (resume after a reconnect)', async () => {
    const second = await registrar.registerMeter(meters[1]!.meterId, meters[1]!.publicKeyHex, meters[1]!.site);
    for (const [library, connect] of LIBRARIES) {
      const client = await connectAs(connect, 'cityoperator', 'User1');
      try {
        const events = await collect(client, second.blockNumber, (seen) => seen.some((e) => e.transactionId === second.transactionId));
        expect(events[0], library).toMatchObject({ eventName: 'MeterRegistered', transactionId: second.transactionId, blockNumber: second.blockNumber });
        expect(text(events[0]!)).toMatchObject({ meterId: meters[1]!.meterId });
      } finally {
        await client.close();
      }
    }
  });
});
