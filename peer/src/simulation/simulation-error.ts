import { StagedError } from '@speedledger/orderer-bft';

/** Stable codes of {@link SimulationError}. */
export const SIMULATION_ERROR_CODES = ['SIMULATION_ENDED', 'EMPTY_KEY', 'PENDING_READS', 'MALFORMED_RWSET'] as const;

/** One of {@link SIMULATION_ERROR_CODES}. */
export type SimulationErrorCode = (typeof SIMULATION_ERROR_CODES)[number];

/** A misuse of a transaction simulator, or read/write set bytes that do not decode. */
export class SimulationError extends StagedError<SimulationErrorCode> {
  constructor(code: SimulationErrorCode, message: string, ids: Record<string, number | string> = {}, cause?: unknown) {
    super('SimulationError', code, message, ids, cause);
  }
}
