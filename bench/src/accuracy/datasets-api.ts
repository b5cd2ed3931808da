/**
 * The slice of `@speedledger/datasets` the accuracy run uses, typed structurally and loaded
 * dynamically, so the bench package builds even while the datasets package is being written.
 */
import type { SiteParameters } from '@speedledger/lr-chaincode/core';

export interface TruthEntry {
  meterId: string;
  seq: number;
  kind: string;
  vehicleClass: string | null;
  referenceSpeedKmh: number | null;
  expected: 'accepted' | 'rejected';
  expectedReasons: string[];
}

export interface CorpusOptions {
  meters: number;
  readings: number;
  seed: number;
  mix?: 'clean' | 'default' | 'hard';
  speedRangeKmh?: [number, number];
  classes?: string[];
  sampleRateHz?: number;
}

export interface CorpusDataset {
  fleet: { meters: { meterId: string; publicKeyHex: string; site: SiteParameters }[] };
  readings(): Iterable<{ fileName: string; bytes: Uint8Array; truth: TruthEntry }>;
}

export type CreateDataset = (options: CorpusOptions) => CorpusDataset;

/** Loads `createDataset`, or explains why it is not available. */
export async function loadCreateDataset(): Promise<CreateDataset | string> {
  try {
    const mod = (await import('@speedledger/datasets')) as Record<string, unknown>;
    if (typeof mod.createDataset === 'function') return mod.createDataset as CreateDataset;
    return '@speedledger/datasets does not export createDataset yet';
  } catch (error) {
    return `@speedledger/datasets could not be loaded: ${(error as Error).message}`;
  }
}
