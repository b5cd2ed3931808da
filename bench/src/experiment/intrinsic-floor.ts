/**
 * The intrinsic floor of one transaction: the cryptography and LR work no implementation can
 * skip, counted per member, costed with this machine's own per-operation CPU time. Counts are
 * what the protocol requires on this network (4 peers, OutOf(2) endorsement, BFT orderers that
 * each check every envelope); per-block work (block signatures, consensus messages) is amortised
 * over the block and left out, so the floor is a lower bound.
 */

/** CPU time of one operation, µs. */
export interface OperationCosts {
  readonly verifyUs: number;
  readonly signUs: number;
  /** One LR execution: DLR1 decode + reading signature check + `measureSpeed` (key parsed once). */
  readonly lrUs: number;
}

/** How many of each operation one member does per transaction of `readings` readings. */
export interface MemberWork {
  readonly member: string;
  readonly verify: number;
  readonly sign: number;
  readonly lr: number;
}

/**
 * The work per transaction, by member, for `orderers` replicas and `endorsers` endorsing peers
 * (the gateway peer endorses only when it is one of the policy's organisations; here it is not).
 * - client: signs the proposal and the envelope;
 * - gateway peer: checks the proposal's signature, validates and commits the block as a committer;
 * - each endorser: checks the proposal's signature, runs the chaincode (one LR execution per
 *   reading), signs its endorsement;
 * - each orderer: checks the envelope's signature (leader on admission, every backup again);
 * - each of the 4 committing peers: checks the creator's and every endorser's signature.
 */
export function floorWork(readings: number, orderers: number, endorsers = 2, peers = 4): MemberWork[] {
  return [
    { member: 'client', verify: 0, sign: 2, lr: 0 },
    { member: 'gateway peer (proposal check)', verify: 1, sign: 0, lr: 0 },
    { member: `endorsing peers (${endorsers})`, verify: endorsers, sign: endorsers, lr: endorsers * readings },
    { member: `orderers (${orderers})`, verify: orderers, sign: 0, lr: 0 },
    { member: `committing peers (${peers}: creator + ${endorsers} endorsements each)`, verify: peers * (1 + endorsers), sign: 0, lr: 0 },
  ];
}

/** µs of CPU the work of one member costs. */
export function workMicros(work: MemberWork, costs: OperationCosts): number {
  return work.verify * costs.verifyUs + work.sign * costs.signUs + work.lr * costs.lrUs;
}

/** The floor per transaction and per reading, µs, with the per-member breakdown. */
export function intrinsicFloor(readings: number, orderers: number, costs: OperationCosts): { perTransactionUs: number; perReadingUs: number; members: (MemberWork & { micros: number })[] } {
  const members = floorWork(readings, orderers).map((w) => ({ ...w, micros: workMicros(w, costs) }));
  const perTransactionUs = members.reduce((s, m) => s + m.micros, 0);
  return { perTransactionUs, perReadingUs: perTransactionUs / readings, members };
}
