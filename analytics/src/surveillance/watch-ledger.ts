import type { common } from '@hyperledger/fabric-protos';
import { DEFAULT_THRESHOLDS, type SurveillanceThresholds } from './meter-detectors.js';
import { observeBlock } from './block-observations.js';
import type { RefusalProblem, RefusalSource } from './refusal-source.js';
import { surveil } from './surveil.js';
import type { SurveillanceStore, StoredFinding } from './surveillance-store.js';

/** Options of {@link watchLedger}. */
export interface WatchOptions {
  /** Blocks from the store's `next-block` cursor onwards (the caller opens the source there). */
  readonly blocks: AsyncIterable<common.Block>;
  readonly store: SurveillanceStore;
  readonly refusals?: RefusalSource;
  readonly chaincodeName?: string;
  /** Re-run the detectors after this many new blocks (and at the end of the stream); default 20. */
  readonly everyBlocks?: number;
  readonly thresholds?: SurveillanceThresholds;
  /** Injected clock (first/last seen of findings). */
  readonly now: () => number;
  readonly onFindings?: (active: readonly StoredFinding[]) => void;
  readonly onRefusalProblem?: (problem: RefusalProblem) => void;
}

/** The block number the worker continues from (0 for a new store). */
export function nextBlockOf(store: SurveillanceStore): number {
  return Number(store.getCursor('next-block') ?? '0');
}

/**
 * Follows blocks into the store and re-runs surveillance over everything stored, so a restart
 * continues where it stopped and findings keep their first-seen time. Returns when the block
 * stream ends.
 */
export async function watchLedger(options: WatchOptions): Promise<readonly StoredFinding[]> {
  const { store } = options;
  const chaincode = options.chaincodeName ?? 'lr-chaincode';
  const every = options.everyBlocks ?? 20;
  let pending = 0;
  const evaluate = async (): Promise<void> => {
    if (options.refusals !== undefined) {
      const batch = await options.refusals.read(store.getCursor('refusals'));
      store.addRefusals(batch.refusals);
      for (const p of batch.problems) options.onRefusalProblem?.(p);
      store.setCursor('refusals', batch.cursor);
    }
    store.saveFindings(surveil({ observations: store.observations(), invalid: store.invalid(), refusals: store.refusals() }, options.thresholds ?? DEFAULT_THRESHOLDS), options.now());
    options.onFindings?.(store.findings({ activeOnly: true }));
    pending = 0;
  };
  for await (const block of options.blocks) {
    const number = block.getHeader()?.getNumber() ?? 0;
    if (number < nextBlockOf(store)) continue;
    const seen = observeBlock(block, chaincode, (id) => store.meterLocation(id));
    for (const [id, location] of seen.meterLocations) store.setMeterLocation(id, location);
    store.addObservations(seen.observations);
    store.addInvalid(seen.invalid);
    store.setCursor('next-block', String(number + 1));
    if (++pending >= every) await evaluate();
  }
  await evaluate();
  return store.findings({ activeOnly: true });
}
