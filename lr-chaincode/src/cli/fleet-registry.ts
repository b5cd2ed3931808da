import { parseMeterPublicKey, siteParameterProblems, type MeterPublicKey, type SiteParameters } from '../core/index.js';

/** What the registry says about one meter: the key it signs with and its registered site. */
export interface RegisteredMeter {
  readonly key: MeterPublicKey;
  readonly site: SiteParameters;
}

/**
 * Reads a fleet registry (`fleet.json`: `{ "meters": [{ "meterId", "publicKeyHex", "site" }] }`,
 * what `speedledger dataset generate` writes and the notified body registers) into a lookup by
 * meter id. Returns the list of problems instead when any entry is unusable: an auditor must not
 * measure against a half-read registry.
 */
export function parseFleetRegistry(text: string): Map<string, RegisteredMeter> | string[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return [`fleet file is not JSON: ${(error as Error).message}`];
  }
  const meters = (document as { meters?: unknown } | null)?.meters;
  if (!Array.isArray(meters)) return ['fleet file has no "meters" array'];
  const registry = new Map<string, RegisteredMeter>();
  const problems: string[] = [];
  meters.forEach((entry: unknown, index) => {
    const { meterId, publicKeyHex, site } = (entry ?? {}) as { meterId?: unknown; publicKeyHex?: unknown; site?: unknown };
    const where = typeof meterId === 'string' ? `meter ${meterId}` : `meters[${index}]`;
    if (typeof meterId !== 'string') return void problems.push(`${where}: meterId is not a string`);
    if (registry.has(meterId)) return void problems.push(`${where}: listed twice`);
    const key = parseMeterPublicKey(typeof publicKeyHex === 'string' ? publicKeyHex : '');
    if ('reason' in key) return void problems.push(`${where}: ${key.detail}`);
    const siteProblems = siteParameterProblems(site);
    if (siteProblems.length > 0) return void problems.push(`${where}: ${siteProblems.join('; ')}`);
    registry.set(meterId, { key, site: site as SiteParameters });
  });
  return problems.length > 0 ? problems : registry;
}
