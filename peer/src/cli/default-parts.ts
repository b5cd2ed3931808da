import type { PeerNodeParts } from '../runtime/peer-node.js';

/**
 * The parts the `peer start` command composes beyond the runtime's own: currently none (the
 * endorser module is wired here when it lands; until then proposals get ENDORSER_UNAVAILABLE).
 */
export async function defaultPeerParts(): Promise<PeerNodeParts> {
  return {};
}
