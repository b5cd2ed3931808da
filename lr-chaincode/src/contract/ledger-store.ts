import { canonicalJsonBytes } from './canonical-json.js';
import { ContractError } from './contract-error.js';
import type { LrContext } from './fabric-api.js';
import { parseGovernance, type Governance } from './governance.js';
import { KEY_TYPES } from './ledger-keys.js';

/** One page of a range scan: canonical JSON items and the bookmark of the next page ('' = last). */
export interface Page<T> {
  readonly items: T[];
  readonly bookmark: string;
  readonly fetched: number;
}

/** Reads and parses a JSON value; null when the key is absent. */
export async function readJson<T>(ctx: LrContext, key: string): Promise<T | null> {
  const bytes = await ctx.stub.getState(key);
  if (!bytes || bytes.length === 0) return null;
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}

/** Writes a value as canonical JSON bytes. */
export async function writeJson(ctx: LrContext, key: string, value: unknown): Promise<void> {
  await ctx.stub.putState(key, canonicalJsonBytes(value));
}

/** The governance set by `Governance:Init`; NOT_INITIALISED before that. */
export async function loadGovernance(ctx: LrContext): Promise<Governance> {
  const key = ctx.stub.createCompositeKey(KEY_TYPES.GOVERNANCE, ['config']);
  const bytes = await ctx.stub.getState(key);
  if (!bytes || bytes.length === 0) throw new ContractError('NOT_INITIALISED', 'governance has not been initialised (call Governance:Init)');
  return parseGovernance(Buffer.from(bytes).toString('utf8'));
}

/** Parses a page size argument (1..maxPageSize). */
export function parsePageSize(text: string, maxPageSize = 200): number {
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || n < 1 || n > maxPageSize) {
    throw new ContractError('INVALID_ARGUMENT', `pageSize must be an integer in 1..${maxPageSize}, got ${JSON.stringify(text)}`);
  }
  return n;
}

type PagedIterator = Promise<{
  iterator: { next(): Promise<{ value?: { key: string; value: Uint8Array }; done?: boolean }>; close(): Promise<unknown> };
  metadata?: { bookmark: string; fetchedRecordsCount: number };
}>;

/** Drains one page returned by a `…WithPagination` stub call. */
export async function drainPage<T>(pending: PagedIterator, map: (key: string, value: Uint8Array) => Promise<T> | T): Promise<Page<T>> {
  const { iterator, metadata } = await pending;
  const items: T[] = [];
  try {
    while (true) {
      const next = await iterator.next();
      if (next.done || !next.value) break;
      items.push(await map(next.value.key, next.value.value));
    }
  } finally {
    await iterator.close();
  }
  return { items, bookmark: metadata?.bookmark ?? '', fetched: metadata?.fetchedRecordsCount ?? items.length };
}
