/**
 * Figures of other systems, drawn beside ours as labelled reference points. Hardware differs on
 * every side; the labels say which.
 */

/** A published or independently measured point: clients, tx/s, latency (s) where known. */
export interface ReferencePoint {
  readonly clients?: number;
  readonly transactionsPerSecond?: number;
  readonly latencySeconds?: number;
}

/** A labelled set of reference points. */
export interface ReferenceSet {
  readonly label: string;
  readonly hardware: string;
  readonly points: readonly ReferencePoint[];
}

/**
 * The seed paper (Figs. 4–5): Fabric 1.1 on three 8-core servers. BFT-SMaRt ordering with 4
 * replicas reached 380 tx/s at 1.6 s with 600 clients and held ≈ 360 tx/s at 1,200; the solo
 * orderer ≈ 300 tx/s at ≈ 1 s (the client count of that point is not given, so it is drawn as a
 * horizontal reference).
 */
export const PAPER_BFT_SMART: ReferenceSet = {
  label: 'paper: Fabric 1.1 + BFT-SMaRt, 4 replicas',
  hardware: 'three 8-core servers',
  points: [{ clients: 600, transactionsPerSecond: 380, latencySeconds: 1.6 }, { clients: 1200, transactionsPerSecond: 360 }],
};

/** The paper's solo orderer: ≈ 300 tx/s at ≈ 1 s. */
export const PAPER_SOLO: ReferenceSet = {
  label: 'paper: Fabric 1.1 solo orderer',
  hardware: 'three 8-core servers',
  points: [{ transactionsPerSecond: 300, latencySeconds: 1 }],
};

/**
 * Issue 11's independent runs of real Fabric 3.1.5 (SmartBFT-4, 4 organisations, OutOf(2), TLS,
 * this lr-chaincode through a Node external builder, closed-loop fabric-gateway clients) on a
 * 2-core machine like this one: ≈ 18–25 readings/s one per transaction, p99 ≈ 1 s at 10
 * clients and ≈ 12 s at 200 (drawn at the top of the throughput range, p99 as latency).
 */
export const REAL_FABRIC_SMARTBFT: ReferenceSet = {
  label: 'real Fabric 3.1.5 + SmartBFT-4 (issue 11, 2 cores), p99',
  hardware: '2 vCPU, same kind of machine',
  points: [{ clients: 10, transactionsPerSecond: 25, latencySeconds: 1 }, { clients: 200, transactionsPerSecond: 25, latencySeconds: 12 }],
};
