import { ECDH } from 'node:crypto';

/** The fields of a ledger meter record a fleet entry must agree with. */
export interface LedgerMeter {
  readonly meterId: string;
  readonly publicKeyHex: string;
  readonly site: Readonly<Record<string, unknown>>;
  readonly status?: string;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** A SEC1 P-256 point in uncompressed lower-case hex (so compressed and uncompressed forms of one key compare equal). */
function normalisedKey(hex: string): string {
  try {
    return (ECDH.convertKey(hex.toLowerCase(), 'prime256v1', 'hex', 'hex', 'uncompressed') as string).toLowerCase();
  } catch {
    return hex.toLowerCase();
  }
}

const short = (hex: string): string => (hex.length > 20 ? `${hex.slice(0, 16)}…` : hex);

/**
 * How the ledger's record of a meter differs from the fleet's entry for the same id: key, then
 * each site field the ledger protects. Empty when they agree. Pure. A meter whose id is on the
 * ledger with another key would have every reading refused BAD_SIGNATURE (issue 16), so this is
 * a failure of `meter register`, not "already registered".
 */
export function meterDifferences(fleet: { readonly publicKeyHex: string; readonly site: unknown }, ledger: LedgerMeter): string[] {
  const differences: string[] = [];
  const [mine, theirs] = [normalisedKey(fleet.publicKeyHex), normalisedKey(ledger.publicKeyHex)];
  if (mine !== theirs) differences.push(`the ledger holds key ${short(theirs)}, the fleet ${short(mine)}`);
  const site = (fleet.site ?? {}) as Record<string, unknown>;
  for (const field of Object.keys(ledger.site).sort()) {
    if (canonical(site[field]) !== canonical(ledger.site[field])) {
      differences.push(`site ${field} is ${canonical(ledger.site[field])} on the ledger, ${canonical(site[field])} in the fleet`);
    }
  }
  return differences;
}
