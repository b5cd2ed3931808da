import { Redis } from 'ioredis';
import { OperatorKeys } from '../auth/operator-keys.js';
import { IngestError } from '../errors/ingest-error.js';
import { redisConnection } from '../runtime/ingest-service.js';
import { ReadingStore } from '../store/reading-store.js';
import { apiKeyOf, parseOrUsage, reportFailure, usageProblem, type IngestCliCommand } from './cli-support.js';

const KEY_PATTERN = /^[A-Za-z0-9._-]{1,16}@[1-9][0-9]{0,19}$/;

const REPLAY_USAGE = `speedledger ingest replay [--url http://127.0.0.1:8787] [--api-key KEY] [--key METER@SEQ]...

Puts parked readings (those whose attempts ran out on transient failures) back in the queue:
all of them, or only the given --key METER@SEQ ones. The operator key comes from --api-key or
$SPEEDLEDGER_INGEST_KEY. Prints {"replayed": [...]} (readings not parked are left alone).`;

const SHOW_USAGE = `speedledger ingest show --meter ID --seq N [--url http://127.0.0.1:8787] [--api-key KEY]

Prints where one reading is: queued, submitted, committed (block, transaction, speed, verdict),
refused (chaincode code) or parked (cause, attempts). Exit 1 when the API never accepted it.`;

const KEY_USAGE = `speedledger ingest key create --operator NAME [--redis redis://127.0.0.1:6379] [--prefix ingest]

Creates an operator API key for the operator routes (status, replay, stats, conflicts) and
prints it once; only its SHA-256 is stored in Redis, so every API process sees it.`;

async function call(url: string, init: RequestInit & { apiKey: string }): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${init.apiKey}` } });
  } catch (cause) {
    throw new IngestError('HTTP_FAILED', `cannot reach ${url}: ${(cause as Error).message}`, {}, cause);
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the message
  }
  return { status: response.status, body };
}

function httpFailure(url: string, status: number, body: unknown): IngestError {
  const detail = typeof body === 'object' && body !== null && 'detail' in body ? String((body as { detail: unknown }).detail) : String(body);
  return new IngestError('HTTP_FAILED', `${url} answered ${status}: ${detail}`);
}

/** `speedledger ingest replay`. */
export const replayCommand: IngestCliCommand = {
  path: ['ingest', 'replay'],
  summary: 'Put parked readings back in the ingest queue',
  usage: REPLAY_USAGE,
  async run(args, io) {
    const parsed = parseOrUsage(args, { url: { type: 'string', default: 'http://127.0.0.1:8787' }, 'api-key': { type: 'string' }, key: { type: 'string', multiple: true } }, REPLAY_USAGE, io);
    if (parsed === undefined) return 2;
    const apiKey = apiKeyOf(parsed.values['api-key']);
    if (!apiKey) return usageProblem(io, 'an operator key is required: --api-key or $SPEEDLEDGER_INGEST_KEY', REPLAY_USAGE);
    const keys = parsed.values.key;
    const badKey = keys?.find((k) => !KEY_PATTERN.test(k));
    if (badKey !== undefined) return usageProblem(io, `--key must be METER@SEQ, got ${JSON.stringify(badKey)}`, REPLAY_USAGE);
    const url = `${parsed.values.url!.replace(/\/+$/, '')}/v1/parked/replay`;
    try {
      const { status, body } = await call(url, { method: 'POST', apiKey, headers: { 'content-type': 'application/json' }, body: JSON.stringify(keys ? { keys } : {}) });
      if (status !== 200) throw httpFailure(url, status, body);
      io.stdout.write(`${JSON.stringify(body)}\n`);
      return 0;
    } catch (error) {
      return reportFailure(io, 'ingest replay', error);
    }
  },
};

/** `speedledger ingest show`. */
export const showCommand: IngestCliCommand = {
  path: ['ingest', 'show'],
  summary: 'Show where one reading is in the ingest tier',
  usage: SHOW_USAGE,
  async run(args, io) {
    const parsed = parseOrUsage(args, { url: { type: 'string', default: 'http://127.0.0.1:8787' }, 'api-key': { type: 'string' }, meter: { type: 'string' }, seq: { type: 'string' } }, SHOW_USAGE, io);
    if (parsed === undefined) return 2;
    const { meter, seq } = parsed.values;
    if (meter === undefined || seq === undefined || !KEY_PATTERN.test(`${meter}@${seq}`)) return usageProblem(io, '--meter ID and a decimal --seq ≥ 1 are required', SHOW_USAGE);
    const apiKey = apiKeyOf(parsed.values['api-key']);
    if (!apiKey) return usageProblem(io, 'an operator key is required: --api-key or $SPEEDLEDGER_INGEST_KEY', SHOW_USAGE);
    const url = `${parsed.values.url!.replace(/\/+$/, '')}/v1/readings/${encodeURIComponent(meter)}/${seq}`;
    try {
      const { status, body } = await call(url, { method: 'GET', apiKey });
      if (status !== 200) throw httpFailure(url, status, body);
      io.stdout.write(`${JSON.stringify(body)}\n`);
      return 0;
    } catch (error) {
      return reportFailure(io, 'ingest show', error);
    }
  },
};

/** `speedledger ingest key create`. */
export const keyCreateCommand: IngestCliCommand = {
  path: ['ingest', 'key', 'create'],
  summary: 'Create an operator API key (stored hashed in Redis)',
  usage: KEY_USAGE,
  async run(args, io) {
    const parsed = parseOrUsage(args, { operator: { type: 'string' }, redis: { type: 'string', default: 'redis://127.0.0.1:6379' }, prefix: { type: 'string', default: 'ingest' } }, KEY_USAGE, io);
    if (parsed === undefined) return 2;
    const operator = parsed.values.operator?.trim();
    if (!operator) return usageProblem(io, '--operator NAME is required', KEY_USAGE);
    let connection;
    try {
      connection = redisConnection(parsed.values.redis!);
    } catch (error) {
      return usageProblem(io, (error as Error).message, KEY_USAGE);
    }
    const redis = new Redis({ ...connection, maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      const store = new ReadingStore(redis, parsed.values.prefix!);
      const key = await new OperatorKeys(redis, store.operatorsKey).create(operator);
      io.stdout.write(`${key}\n`);
      io.stderr.write(`operator key for ${operator} created; it is shown only now (Redis keeps its SHA-256)\n`);
      return 0;
    } catch (error) {
      return reportFailure(io, 'ingest key create', new IngestError('REDIS_FAILED', `cannot store the key in ${parsed.values.redis}: ${(error as Error).message}`, {}, error));
    } finally {
      redis.disconnect();
    }
  },
};
