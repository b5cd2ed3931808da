import { NetworkError } from '../errors/network-error.js';
import type { NetworkManifest } from '../manifest/network-manifest.js';
import { httpGet, pollUntil } from './http-probe.js';

/** One peer's ledger height as its `/status` reported it, or why it did not. */
export interface PeerHeight {
  readonly name: string;
  readonly height?: number;
  readonly error?: string;
}

/** Longest a lifecycle command waits for every peer: a script's next step must see its transaction. */
export const PROPAGATION_TIMEOUT_MS = 60_000;

/** The peers that have not yet committed block `blockNumber` (height counts the genesis block). Pure. */
export function peersBehind(heights: readonly PeerHeight[], blockNumber: number): PeerHeight[] {
  return heights.filter((p) => p.height === undefined || p.height <= blockNumber);
}

async function heightOf(name: string, operations: string): Promise<PeerHeight> {
  try {
    const status = await httpGet(operations, '/status');
    if (status.status !== 200) return { name, error: `/status answered ${status.status}` };
    return { name, height: (JSON.parse(status.body) as { height: number }).height };
  } catch (error) {
    return { name, error: (error as Error).message };
  }
}

/**
 * Resolves once every peer of the network has committed block `blockNumber` (its `/status`
 * height is above it); PROPAGATION_TIMEOUT after `timeoutMs` (at most 60 s), naming each peer
 * still behind with its height or why it did not answer.
 */
export async function awaitBlockOnEveryPeer(manifest: NetworkManifest, blockNumber: number, what: string, timeoutMs = PROPAGATION_TIMEOUT_MS): Promise<void> {
  const peers = manifest.processes.filter((p) => p.kind === 'peer');
  const bound = Math.min(timeoutMs, PROPAGATION_TIMEOUT_MS);
  let behind: PeerHeight[] = [];
  const done = await pollUntil(async () => {
    behind = peersBehind(await Promise.all(peers.map((p) => heightOf(p.name, p.operations))), blockNumber);
    return behind.length === 0 ? true : undefined;
  }, bound, 200);
  if (done) return;
  const detail = behind.map((p) => (p.height === undefined ? `${p.name} (${p.error})` : `${p.name} at height ${p.height}`)).join(', ');
  throw new NetworkError('PROPAGATION_TIMEOUT', `${what} committed in block ${blockNumber}, but after ${bound >= 1000 ? `${Math.round(bound / 1000)} s` : `${bound} ms`} not every peer has it: ${detail}`, {
    blockNumber, peers: behind.map((p) => p.name).join(','),
  });
}
