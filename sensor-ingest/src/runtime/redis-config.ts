/**
 * The Redis settings that make a 202 true: every write is appended to the AOF and fsynced
 * before Redis answers (`appendonly yes`, `appendfsync always`), so an acknowledged enqueue
 * survives kill -9 of Redis and of the host's page cache. RDB snapshots are off (the AOF is the
 * only persistence); `maxmemory-policy noeviction` because BullMQ must never lose keys silently.
 */
export const DURABLE_REDIS_SETTINGS: Readonly<Record<string, string>> = {
  appendonly: 'yes',
  appendfsync: 'always',
  save: '',
  'maxmemory-policy': 'noeviction',
  'aof-use-rdb-preamble': 'yes',
};

/** Options of {@link redisServerArgs}. */
export interface RedisServerOptions {
  readonly port: number;
  /** Directory of the AOF files (and `redis.pid` when daemonised by others). */
  readonly dir: string;
  readonly bind?: string;
  /** Extra or overriding settings (e.g. `appendfsync: 'everysec'` for the cost measurement). */
  readonly settings?: Readonly<Record<string, string>>;
}

/** Command-line arguments for `redis-server` (each setting as `--name value`). */
export function redisServerArgs(options: RedisServerOptions): string[] {
  const settings: Record<string, string> = { ...DURABLE_REDIS_SETTINGS, ...options.settings, port: String(options.port), bind: options.bind ?? '127.0.0.1', dir: options.dir };
  return Object.entries(settings).flatMap(([name, value]) => [`--${name}`, value]);
}

/** The same settings as a `redis.conf` text (what `speedledger up` writes under the data dir). */
export function redisConfText(options: RedisServerOptions): string {
  const settings: Record<string, string> = { ...DURABLE_REDIS_SETTINGS, ...options.settings, port: String(options.port), bind: options.bind ?? '127.0.0.1', dir: options.dir };
  return `${Object.entries(settings).map(([name, value]) => `${name} ${value === '' ? '""' : value}`).join('\n')}\n`;
}
