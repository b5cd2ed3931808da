/** São Paulo has been on UTC−3 all year since daylight saving time was abolished in 2019. */
export const SAO_PAULO_UTC_OFFSET_HOURS = -3;

/**
 * Unix time in microseconds of local midnight (São Paulo) of a `YYYY-MM-DD` date.
 * Throws a RangeError for anything that is not a real calendar date.
 */
export function saoPauloMidnightUtcUs(date: string): bigint {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`date ${JSON.stringify(date)} is not YYYY-MM-DD`);
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d, -SAO_PAULO_UTC_OFFSET_HOURS, 0, 0);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    throw new RangeError(`date ${date} does not exist`);
  }
  return BigInt(ms) * 1000n;
}
