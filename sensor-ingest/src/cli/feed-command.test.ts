import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedCommand } from './feed-command.js';

function io(): { out: string; err: string; stdout: { write(t: string): void }; stderr: { write(t: string): void } } {
  const sink = { out: '', err: '', stdout: { write: (t: string) => void (sink.out += t) }, stderr: { write: (t: string) => void (sink.err += t) } };
  return sink;
}

describe('speedledger feed (usage and fleet file)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'feed-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses bad options with exit 2 and the usage', async () => {
    for (const args of [[], ['--fleet', dir, '--speed', 'fast'], ['--fleet', dir, '--duration', 'soon'], ['--fleet', dir, '--profile', 'lisbon'], ['--fleet', dir, '--start', '25:00'], ['--fleet', dir, '--meters', '0']]) {
      const sink = io();
      expect(await feedCommand.run(args, sink)).toBe(2);
      expect(sink.err).toContain('speedledger feed --fleet DIR');
    }
  });

  it('writes DIR/fleet.json on --init and refuses another fleet under the same DIR', async () => {
    const first = io();
    expect(await feedCommand.run(['--fleet', join(dir, 'f'), '--meters', '3', '--seed', '5', '--init'], first)).toBe(0);
    const fleet = JSON.parse(await readFile(join(dir, 'f', 'fleet.json'), 'utf8')) as { format: string; meters: { meterId: string }[] };
    expect(fleet.format).toBe('speedledger-fleet/1');
    expect(fleet.meters.map((m) => m.meterId)).toEqual(['SP-000001', 'SP-000002', 'SP-000003']);
    expect(first.err).toContain('speedledger meter register --fleet');
    expect(await feedCommand.run(['--fleet', join(dir, 'f'), '--meters', '3', '--seed', '5', '--init'], io())).toBe(0);
    const other = io();
    expect(await feedCommand.run(['--fleet', join(dir, 'f'), '--meters', '3', '--seed', '6', '--init'], other)).toBe(1);
    expect(other.err).toContain('FLEET_MISMATCH');
  });

  it('needs an operator key to reconcile', async () => {
    const sink = io();
    const saved = process.env.SPEEDLEDGER_INGEST_KEY;
    delete process.env.SPEEDLEDGER_INGEST_KEY;
    try {
      expect(await feedCommand.run(['--fleet', join(dir, 'g'), '--meters', '2'], sink)).toBe(2);
    } finally {
      if (saved !== undefined) process.env.SPEEDLEDGER_INGEST_KEY = saved;
    }
    expect(sink.err).toContain('operator key');
  });
});
