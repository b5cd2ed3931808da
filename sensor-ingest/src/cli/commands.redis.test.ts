import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readingKey } from '../reading/reading-identity.js';
import { startIngestService, type IngestService } from '../runtime/ingest-service.js';
import { MemoryLedger } from '../test-support/memory-ledger.js';
import { smallDataset } from '../test-support/readings.js';
import { redisMissing, startRedis, type LiveRedis } from '../test-support/redis-server.js';
import { commands } from './index.js';

async function run(words: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const command = [...commands].sort((a, b) => b.path.length - a.path.length).find((c) => c.path.every((w, i) => words[i] === w))!;
  let out = '';
  let err = '';
  const saved = process.env.SPEEDLEDGER_INGEST_KEY;
  if (env.SPEEDLEDGER_INGEST_KEY) process.env.SPEEDLEDGER_INGEST_KEY = env.SPEEDLEDGER_INGEST_KEY;
  else delete process.env.SPEEDLEDGER_INGEST_KEY;
  try {
    const code = await command.run(words.slice(command.path.length), { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } });
    return { code, out, err };
  } finally {
    if (saved === undefined) delete process.env.SPEEDLEDGER_INGEST_KEY;
    else process.env.SPEEDLEDGER_INGEST_KEY = saved;
  }
}

describe('ingest commands', () => {
  it('provides serve, replay, show and key create', () => {
    expect(commands.map((c) => c.path.join(' '))).toEqual(['ingest serve', 'ingest replay', 'ingest show', 'ingest key create', 'feed']);
  });

  const badUsages: string[][] = [
    ['ingest', 'serve'], ['ingest', 'serve', '--bogus'],
    ['ingest', 'serve', '--connection-profile', 'p.json', '--msp-id', 'M', '--msp-dir', 'd', '--listen', 'nope'],
    ['ingest', 'serve', '--connection-profile', 'p.json', '--msp-id', 'M', '--msp-dir', 'd', '--max-batch', '101'],
    ['ingest', 'serve', '--connection-profile', 'p.json', '--msp-id', 'M', '--msp-dir', 'd', '--high-water', '0'],
    ['ingest', 'serve', '--connection-profile', 'p.json', '--msp-id', 'M', '--msp-dir', 'd', '--redis', 'http://x'],
    ['ingest', 'serve', '--connection-profile', 'p.json', '--msp-id', 'M', '--msp-dir', 'd', '--log-level', 'loud'],
    ['ingest', 'replay'], ['ingest', 'replay', '--api-key', 'k', '--key', 'SP-1'], ['ingest', 'replay', '--api-key', 'k', '--key', 'SP-1@0'],
    ['ingest', 'show', '--api-key', 'k', '--meter', 'SP-1'], ['ingest', 'show', '--api-key', 'k', '--meter', 'SP-1', '--seq', 'x'], ['ingest', 'show', '--meter', 'SP-1', '--seq', '1'],
    ['ingest', 'key', 'create'], ['ingest', 'key', 'create', '--operator', ' '], ['ingest', 'key', 'create', '--operator', 'ops', '--redis', 'nope'],
  ];
  for (const words of badUsages) {
    it(`exits 2 with the usage on: ${words.join(' ')}`, async () => {
      const result = await run(words);
      expect(result.code).toBe(2);
      expect(result.err).toContain(`speedledger ${words.slice(0, words[1] === 'key' ? 3 : 2).join(' ')}`);
    });
  }
});

describe.skipIf(redisMissing())('ingest commands against a real Redis and API', () => {
  let live: LiveRedis;
  let service: IngestService;
  let apiKey: string;
  const ledger = new MemoryLedger();
  const { dataset, readings } = smallDataset(2, 4, 31);

  beforeAll(async () => {
    live = await startRedis();
    for (const m of dataset.fleet.meters) ledger.register(m);
    service = await startIngestService({ redisUrl: live.url, prefix: 'cli', host: '127.0.0.1', port: 0, ledger, log: pino({ level: 'silent' }) });
  }, 30_000);
  afterAll(async () => {
    await service?.close();
    await live?.stop();
  });

  it('creates an operator key that the API accepts, stored only as its hash', async () => {
    const created = await run(['ingest', 'key', 'create', '--operator', 'ops', '--redis', live.url, '--prefix', 'cli']);
    expect(created.code).toBe(0);
    apiKey = created.out.trim();
    expect(apiKey).toMatch(/^sl_[A-Za-z0-9_-]{43}$/);
    expect(await service.operators.operatorOf(apiKey)).toBe('ops');
    const client = live.client();
    try {
      const stored = await client.hgetall('cli:operators');
      expect(Object.values(stored)).toEqual(['ops']);
      expect(Object.keys(stored).join()).not.toContain(apiKey);
    } finally {
      client.disconnect();
    }
  });

  it('shows a reading\'s status, and fails (exit 1) for one never accepted or with a wrong key', async () => {
    const r = readings[0]!;
    const posted = await fetch(`${service.url}/v1/readings`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(r.bytes) });
    expect(posted.status).toBe(202);
    const shown = await run(['ingest', 'show', '--url', service.url, '--meter', r.truth.meterId, '--seq', String(r.truth.seq)], { SPEEDLEDGER_INGEST_KEY: apiKey });
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.out)).toMatchObject({ meterId: r.truth.meterId, seq: String(r.truth.seq), status: 'queued' });
    const missing = await run(['ingest', 'show', '--url', service.url, '--api-key', apiKey, '--meter', r.truth.meterId, '--seq', '99999']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('404');
    const wrongKey = await run(['ingest', 'show', '--url', service.url, '--api-key', 'sl_nope', '--meter', r.truth.meterId, '--seq', String(r.truth.seq)]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.err).toContain('401');
  });

  it('replays parked readings (only those parked) and re-enqueues their jobs', async () => {
    const [a, b] = [readings[1]!, readings[2]!];
    for (const r of [a, b]) {
      const posted = await fetch(`${service.url}/v1/readings`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(r.bytes) });
      expect(posted.status).toBe(202);
    }
    const keyA = readingKey(a.truth.meterId, String(a.truth.seq));
    const keyB = readingKey(b.truth.meterId, String(b.truth.seq));
    await service.queue.queue.remove(keyA);
    expect(await service.store.finish(keyA, { status: 'parked', counter: 'parked:SUBMIT_FAILED', fields: { cause: 'SUBMIT_FAILED' } }, Date.now())).toBe(true);
    expect(await service.store.parked()).toEqual([keyA]);
    const replayed = await run(['ingest', 'replay', '--url', service.url, '--api-key', apiKey, '--key', keyA, '--key', keyB]);
    expect(replayed.code).toBe(0);
    expect(JSON.parse(replayed.out)).toEqual({ replayed: [keyA] });
    expect(await service.store.parked()).toEqual([]);
    expect((await service.store.status(a.truth.meterId, String(a.truth.seq)))?.status).toBe('queued');
    expect(await service.queue.has(keyA)).toBe(true);
    const unreachable = await run(['ingest', 'replay', '--url', 'http://127.0.0.1:1', '--api-key', apiKey]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toContain('HTTP_FAILED');
  });

  it('refuses to serve on a Redis that does not fsync every write', async () => {
    const weak = await startRedis({ appendfsync: 'everysec' });
    try {
      await expect(startIngestService({ redisUrl: weak.url, host: '127.0.0.1', port: 0, ledger, log: pino({ level: 'silent' }) })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    } finally {
      await weak.stop();
    }
  }, 20_000);
});
