import { bytesEqual } from './bytes.js';
import type { Proposal } from './dependencies.js';
import { requestKey } from './request-pool.js';
import type { ReplicaState } from './replica-state.js';

/**
 * Keys of a proposal's requests if it is exactly what an honest leader would have assembled at
 * `seq` on top of our decided tip (hash chain, data hash, encoding); otherwise undefined.
 * Re-assembling, rather than parsing the header, keeps the core ignorant of the header format.
 */
export function chainedRequestKeys(s: ReplicaState, proposal: Proposal, seq: number): ProposalContents | undefined {
  const requests = s.deps.assembler.disassemble(proposal);
  if (requests === undefined) return undefined;
  const keys: string[] = [];
  let requestBytes = 0;
  for (const request of requests) {
    requestBytes += request.byteLength;
    const info = s.deps.inspector.inspect(request);
    if (info === undefined) return undefined;
    keys.push(requestKey(info));
  }
  const rebuilt = s.deps.assembler.assemble(requests, { sequence: seq, previousHeader: s.tip.header });
  if (!bytesEqual(rebuilt.header, proposal.header) || !bytesEqual(rebuilt.payload, proposal.payload)) return undefined;
  return { keys, requestBytes };
}

/** Dedup keys and total request bytes of a proposal. */
export interface ProposalContents {
  readonly keys: readonly string[];
  readonly requestBytes: number;
}

/**
 * PBFT §4.2 "the backup accepts the pre-prepare if …", plus SmartBFT's proposal checks: the
 * batch respects the cut limits, chains to our tip, and orders no request twice — neither
 * within the batch nor one already delivered (dedup across views and restarts).
 */
export function isAcceptableFreshProposal(s: ReplicaState, proposal: Proposal, seq: number): boolean {
  const contents = chainedRequestKeys(s, proposal, seq);
  if (contents === undefined) return false;
  const { keys, requestBytes } = contents;
  if (keys.length === 0 || keys.length > s.config.batchMaxCount) return false;
  if (keys.length > 1 && requestBytes > s.config.batchMaxBytes) return false;
  if (new Set(keys).size !== keys.length) return false;
  return keys.every((key) => !s.delivered.has(key));
}
