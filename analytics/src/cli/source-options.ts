import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BlockSource } from '../adapters/block-sources.js';
import { AnalyticsError } from '../errors/analytics-error.js';

/** Where blocks come from: the options `speedledger audit` and `analytics watch` share. */
export const SOURCE_OPTIONS = {
  'connection-profile': { type: 'string' },
  'msp-id': { type: 'string' },
  'msp-dir': { type: 'string' },
  peer: { type: 'string' },
  channel: { type: 'string' },
  'data-dir': { type: 'string' },
  org: { type: 'string' },
  user: { type: 'string' },
  'block-store': { type: 'string' },
  'idle-ms': { type: 'string' },
} as const;

/** Parsed {@link SOURCE_OPTIONS}. */
export type SourceValues = { readonly [K in keyof typeof SOURCE_OPTIONS]?: string };

/** A non-negative integer option, BAD_ARGUMENT otherwise. */
export function blockNumber(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new AnalyticsError('BAD_ARGUMENT', `${option} must be a non-negative integer, got ${JSON.stringify(text)}`, { option });
  return Number(text);
}

async function mspIdOf(profileFile: string, org: string): Promise<string> {
  const profile = JSON.parse(await readFile(profileFile, 'utf8')) as { client?: { organization?: string }; organizations?: Record<string, { mspid?: string }> };
  const name = profile.client?.organization;
  const mspId = name === undefined ? undefined : profile.organizations?.[name]?.mspid;
  if (mspId === undefined) throw new AnalyticsError('BAD_ARGUMENT', `${profileFile} names no client organisation with an mspid (org ${org})`, { file: profileFile });
  return mspId;
}

/** The embedded network's user MSP directory: DIR/organizations/<org>/users/<User>@<domain>/msp. */
async function userMspDir(dataDir: string, org: string, user: string): Promise<string> {
  const users = join(dataDir, 'organizations', org, 'users');
  const entries = await readdir(users).catch((cause: unknown) => {
    throw new AnalyticsError('BAD_ARGUMENT', `no organisation ${org} in ${dataDir}`, { org }, cause);
  });
  const found = entries.find((e) => e.toLowerCase().startsWith(`${user.toLowerCase()}@`));
  if (found === undefined) throw new AnalyticsError('BAD_ARGUMENT', `organisation ${org} has no user ${user} (${entries.join(', ')})`, { org, user });
  return join(users, found, 'msp');
}

/** Opens the block source the options name (exactly one of them). */
export async function openSource(values: SourceValues, follow = false): Promise<BlockSource> {
  // Loaded on use: `speedledger --help` must not pay for the Fabric client libraries.
  const { blockStoreSource, deliverBlockSource } = await import('../adapters/block-sources.js');
  const given = [values['block-store'], values['connection-profile'], values['data-dir']].filter((v) => v !== undefined).length;
  if (given !== 1) throw new AnalyticsError('BAD_ARGUMENT', 'give exactly one source: --connection-profile, --data-dir or --block-store');
  const idleMs = follow ? Number.POSITIVE_INFINITY : blockNumber(values['idle-ms'], '--idle-ms');
  const channel = values.channel ?? 'speedledger';
  if (values['block-store'] !== undefined) return blockStoreSource(resolve(values['block-store']), channel);
  if (values['data-dir'] !== undefined) {
    const dir = resolve(values['data-dir']);
    const org = (values.org ?? 'cityoperator').toLowerCase();
    const connectionProfile = join(dir, `connection-${org}.json`);
    const mspId = await mspIdOf(connectionProfile, org);
    return deliverBlockSource({ connectionProfile, mspId, mspDir: await userMspDir(dir, org, values.user ?? 'User1'), channel, ...(values.peer ? { peer: values.peer } : {}), ...(idleMs === undefined ? {} : { idleMs }) });
  }
  if (values['msp-id'] === undefined || values['msp-dir'] === undefined) throw new AnalyticsError('BAD_ARGUMENT', '--connection-profile needs --msp-id and --msp-dir');
  return deliverBlockSource({
    connectionProfile: values['connection-profile']!, mspId: values['msp-id'], mspDir: values['msp-dir'], channel,
    ...(values.peer ? { peer: values.peer } : {}), ...(idleMs === undefined ? {} : { idleMs }),
  });
}

