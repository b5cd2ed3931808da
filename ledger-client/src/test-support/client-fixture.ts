import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateOrganization, identityMspDir, writeOrganization, type EnrolledIdentity } from '@speedledger/orderer-bft';

/** A client organisation written in the cryptogen layout, with one user. */
export interface ClientFixture {
  readonly dir: string;
  readonly mspId: string;
  readonly user: EnrolledIdentity;
  readonly userMspDir: string;
  remove(): Promise<void>;
}

/** Writes a one-user organisation under a fresh temporary directory. */
export async function createClientFixture(mspId = 'CityOperatorMSP'): Promise<ClientFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'ledger-client-'));
  const org = await generateOrganization({ mspId, domain: 'city.example.com', now: new Date('2026-01-01T00:00:00Z'), validityDays: 3650 });
  const user = await org.enrol('User1@city.example.com', { ou: 'client' });
  const orgDir = await writeOrganization(dir, { mspId, domain: org.domain, kind: 'peer', ca: org.ca, identities: [user] });
  return { dir, mspId, user, userMspDir: identityMspDir(orgDir, user.name, 'client'), remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A loopback port nobody listens on (bound and released; racing allocations are unlikely). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

/** A minimal common connection profile: one organisation, one peer, one orderer. */
export function profileFor(mspId: string, peerPort: number, ordererPort: number): Record<string, unknown> {
  return {
    name: 'test-network',
    version: '1.0.0',
    client: { organization: 'CityOperator' },
    organizations: { CityOperator: { mspid: mspId, peers: ['peer0.city.example.com'] } },
    peers: { 'peer0.city.example.com': { url: `grpc://127.0.0.1:${peerPort}` } },
    orderers: { 'orderer0.city.example.com': { url: `grpc://127.0.0.1:${ordererPort}` } },
  };
}
