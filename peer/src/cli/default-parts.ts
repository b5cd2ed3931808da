import type { PeerNodeParts } from '../runtime/peer-node.js';

/** The parts `peer start` replaces in the runtime: none, the runtime's defaults are the real ones. */
export async function defaultPeerParts(): Promise<PeerNodeParts> {
  return {};
}
