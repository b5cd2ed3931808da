import { LedgerError } from '@speedledger/ledger-client';
import { parseMeterPublicKey } from '@speedledger/lr-chaincode/core';
import type { ReadingLedger, RegistryEvent } from '../ledger/reading-ledger.js';
import type { EdgeMeter } from './edge-verdict.js';

/** Options of {@link MeterRegistryCache}. */
export interface RegistryCacheOptions {
  /** How long a "not registered" answer is trusted (a meter registered since is then seen). Default 5 s. */
  readonly negativeTtlMs?: number;
  /** Safety net when events are missed: entries are re-read after this long. Default 60 s. */
  readonly positiveTtlMs?: number;
  readonly now?: () => number;
}

interface Entry {
  readonly meter: EdgeMeter | undefined;
  readonly until: number;
}

/**
 * The edge's copy of the ledger's meter registry: filled on demand by `getMeter`, updated by the
 * ledger's `MeterRegistered` / `MeterRevoked` events (so a revocation is effective here as soon as
 * its block is delivered), and re-read after a TTL in case an event was missed.
 */
export class MeterRegistryCache {
  readonly #ledger: Pick<ReadingLedger, 'getMeter'>;
  readonly #entries = new Map<string, Entry>();
  readonly #loading = new Map<string, Promise<EdgeMeter | undefined>>();
  readonly #negativeTtlMs: number;
  readonly #positiveTtlMs: number;
  readonly #now: () => number;

  constructor(ledger: Pick<ReadingLedger, 'getMeter'>, options: RegistryCacheOptions = {}) {
    this.#ledger = ledger;
    this.#negativeTtlMs = options.negativeTtlMs ?? 5_000;
    this.#positiveTtlMs = options.positiveTtlMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** The meter, or undefined when the ledger does not know it. Rejects when the ledger cannot be asked. */
  async lookup(meterId: string): Promise<EdgeMeter | undefined> {
    const entry = this.#entries.get(meterId);
    if (entry !== undefined && entry.until > this.#now()) return entry.meter;
    const loading = this.#loading.get(meterId);
    if (loading) return loading;
    const load = this.#load(meterId).finally(() => this.#loading.delete(meterId));
    this.#loading.set(meterId, load);
    return load;
  }

  async #load(meterId: string): Promise<EdgeMeter | undefined> {
    try {
      const record = await this.#ledger.getMeter(meterId);
      const key = parseMeterPublicKey(record.publicKeyHex);
      // A registered key the LR core cannot parse can never verify: treat the meter as unknown.
      const meter = 'keyObject' in key ? { meterId, status: record.status, key } : undefined;
      this.#entries.set(meterId, { meter, until: this.#now() + (meter ? this.#positiveTtlMs : this.#negativeTtlMs) });
      return meter;
    } catch (error) {
      if (error instanceof LedgerError && error.code === 'CONTRACT_REJECTED' && error.contractCode === 'NOT_FOUND') {
        this.#entries.set(meterId, { meter: undefined, until: this.#now() + this.#negativeTtlMs });
        return undefined;
      }
      throw error;
    }
  }

  /** Applies a ledger event: a revocation takes effect at once; a registration drops any negative entry. */
  apply(event: RegistryEvent): void {
    const entry = this.#entries.get(event.meterId);
    if (event.name === 'MeterRevoked') {
      if (entry?.meter) this.#entries.set(event.meterId, { meter: { ...entry.meter, status: 'REVOKED' }, until: Number.POSITIVE_INFINITY });
      else this.#entries.delete(event.meterId);
    } else {
      this.#entries.delete(event.meterId);
    }
  }

  /** Forgets every entry (events may have been missed): each meter is re-read on its next reading. */
  clear(): void {
    this.#entries.clear();
  }

  /** Number of cached entries (for /metrics). */
  get size(): number {
    return this.#entries.size;
  }
}
