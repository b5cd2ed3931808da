/**
 * The `batched` scenario's plan: for each batch size (SubmitReadings of B readings), the client
 * counts to visit, written `20:1,4,16;100:1,4`.
 */
import { parseLevels } from './client-levels.js';

/** One batch size and its client levels. */
export interface BatchPlan {
  readonly batch: number;
  readonly levels: readonly number[];
}

/** The default: batches of 20 and 100 (the ledger client's maximum), a few closed-loop clients each. */
export const DEFAULT_BATCH_PLAN = '20:1,4,16,32;100:1,4,8';
/** `bench:quick`'s. */
export const QUICK_BATCH_PLAN = '20:2;100:1';

/** Parses `B:levels;B:levels`; batch sizes 2 … `maxBatch`. */
export function parseBatchPlan(text: string, maxBatch = 100): BatchPlan[] {
  return text.split(';').map((part) => part.trim()).filter((p) => p !== '').map((part) => {
    const m = /^(\d+):(.+)$/.exec(part);
    if (!m) throw new Error(`bad batch plan "${part}": expected B:clients,clients (e.g. 20:1,4,16)`);
    const batch = Number(m[1]);
    if (batch < 2 || batch > maxBatch) throw new Error(`bad batch size ${batch} in "${part}": 2 … ${maxBatch}`);
    return { batch, levels: parseLevels(m[2]!) };
  });
}
