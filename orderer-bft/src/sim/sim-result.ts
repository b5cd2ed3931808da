import type { ReplicaStatus } from '../core/replica.js';
import type { Violation } from './invariants.js';
import type { Scenario } from './scenario.js';

/** Figures of a run, printed when replaying a seed. */
export interface TraceSummary {
  events: number;
  messagesSent: number;
  messagesDropped: number;
  messagesDuplicated: number;
  requests: number;
  /** Highest ledger height among honest replicas. */
  height: number;
  highestView: number;
  /** Simulated time when every honest replica had every request (undefined if never). */
  allDeliveredAt?: number;
  endedAt: number;
  /** Core counters summed over honest replicas. */
  counters: Record<string, number>;
  /** Crashes that happened, and how many of them inside their aimed window. */
  crashes: number;
  aimedCrashes: number;
  /** Messages adversaries sent in answer to what they received (votes, VIEW-CHANGE help, second NEW-VIEWs). */
  adversaryAnswers: number;
}

/** Outcome of one seed. */
export interface SimulationResult {
  readonly scenario: Scenario;
  readonly violations: readonly Violation[];
  readonly trace: TraceSummary;
  readonly statuses: readonly ReplicaStatus[];
}
