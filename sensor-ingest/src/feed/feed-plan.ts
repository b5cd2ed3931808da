/**
 * What a `speedledger feed` run does, worked out from its options before anything is sent:
 * which traffic day and hour the simulated fleet starts at, how fast simulated time runs and
 * when the run stops. Pure.
 */

/** The traffic profiles the feeder knows (the datasets São Paulo weekday). */
export const FEED_PROFILES = ['saopaulo'] as const;

/** One of {@link FEED_PROFILES}. */
export type FeedProfile = (typeof FEED_PROFILES)[number];

/** A feed run's plan. */
export interface FeedPlan {
  readonly profile: FeedProfile;
  /** Simulated Unix ms at which the fleet starts (São Paulo local `start` on `day`). */
  readonly startTime: number;
  /** Simulated seconds per wall-clock second. */
  readonly speedup: number;
  /** Wall-clock ms after which no new reading is generated (Infinity: until stopped). */
  readonly durationMs: number;
}

/** São Paulo is UTC−3 all year (no daylight saving since 2019). */
const SAO_PAULO_OFFSET_MS = -3 * 3_600_000;

/** `60x`, `2`, `0.5x` → the speedup factor, or undefined. */
export function parseSpeed(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)x?$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  return value > 0 && value <= 100_000 ? value : undefined;
}

/** `300`, `300s`, `5m`, `1h`, `1h30m` → ms, or undefined. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) return undefined;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2]!]!, 0);
  return ms > 0 ? ms : undefined;
}

/**
 * Simulated Unix ms of São Paulo local `hhmm` (`07:30`) on `day` (`YYYY-MM-DD`), or undefined
 * when either is not a valid time / date.
 */
export function saoPauloTime(day: string, hhmm: string): number | undefined {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const t = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!d || !t) return undefined;
  const [hours, minutes] = [Number(t[1]), Number(t[2])];
  if (hours > 23 || minutes > 59) return undefined;
  const utc = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), hours, minutes);
  if (new Date(utc).getUTCDate() !== Number(d[3])) return undefined;
  return utc - SAO_PAULO_OFFSET_MS;
}

/**
 * Each meter's first seq for a run starting at wall time `nowMs`: µs since the epoch, so every
 * run numbers above the previous one (a meter's counter survives reboots) while staying a safe
 * integer for centuries, and a run generating fewer than 1,000 readings per meter per ms of
 * separation never overlaps the next.
 */
export function firstSeqAt(nowMs: number): number {
  return Math.floor(nowMs) * 1000;
}
