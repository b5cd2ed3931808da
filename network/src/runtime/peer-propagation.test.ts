import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { NetworkManifest } from '../manifest/network-manifest.js';
import { awaitBlockOnEveryPeer, peersBehind } from './peer-propagation.js';

const servers: Server[] = [];

/** A peer operations endpoint on loopback whose `/status` answers the heights `next()` gives. */
async function statusServer(next: () => number): Promise<string> {
  const server = createServer((req, res) => {
    res.writeHead(req.url === '/status' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ height: next() }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function manifestOf(peers: Record<string, string>): NetworkManifest {
  return { processes: Object.entries(peers).map(([name, operations]) => ({ kind: 'peer', name, operations })) } as unknown as NetworkManifest;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('peersBehind', () => {
  it('a peer has block N once its height (genesis included) exceeds N; a silent peer is behind', () => {
    const heights = [{ name: 'a', height: 8 }, { name: 'b', height: 7 }, { name: 'c', error: 'ECONNREFUSED' }];
    expect(peersBehind(heights, 7).map((p) => p.name)).toEqual(['b', 'c']);
    expect(peersBehind(heights, 6).map((p) => p.name)).toEqual(['c']);
  });
});

describe('awaitBlockOnEveryPeer', () => {
  it('returns once the last peer catches up', async () => {
    let polls = 0;
    const manifest = manifestOf({ ahead: await statusServer(() => 9), lagging: await statusServer(() => (++polls < 3 ? 7 : 8)) });
    await awaitBlockOnEveryPeer(manifest, 7, 'commit', 30_000);
    expect(polls).toBe(3);
  });

  it('PROPAGATION_TIMEOUT naming the peers behind, with their height or why they did not answer', async () => {
    const down = await statusServer(() => 0);
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const manifest = manifestOf({ ok: await statusServer(() => 9), stuck: await statusServer(() => 5), down });
    const failure = await awaitBlockOnEveryPeer(manifest, 7, 'CommitChaincodeDefinition of lr-chaincode sequence 2', 300).then(() => undefined, (e: unknown) => e as Error & { code?: string });
    expect(failure?.code).toBe('PROPAGATION_TIMEOUT');
    expect(failure?.message).toMatch(/^CommitChaincodeDefinition of lr-chaincode sequence 2 committed in block 7, but after 300 ms not every peer has it: stuck at height 5, down \(.*ECONNREFUSED.*\)$/);
  });
});
