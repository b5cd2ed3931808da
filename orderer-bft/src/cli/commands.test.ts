import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadNodeConfig } from '../runtime/node-config.js';
import { commands } from './index.js';

function io(): { stdout: { write(t: string): void; text: string }; stderr: { write(t: string): void; text: string } } {
  const sink = () => ({ text: '', write(t: string) { this.text += t; } });
  return { stdout: sink(), stderr: sink() };
}
const command = (name: string) => commands.find((c) => c.path[1] === name)!;

describe('speedledger orderer commands', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orderer-cli-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('init-cluster writes one loadable config per replica with distinct ports and keys', async () => {
    const out = io();
    expect(await command('init-cluster').run(['--out', dir, '--replicas', '4', '--pool-max-size', '7'], out)).toBe(0);
    const paths = out.stdout.text.trim().split('\n');
    expect(paths).toHaveLength(4);
    const configs = await Promise.all(paths.map((p) => loadNodeConfig(p)));
    expect(configs.map((c) => c.id)).toEqual([0, 1, 2, 3]);
    expect(new Set(configs.flatMap((c) => [c.listen.grpc, c.listen.metrics])).size).toBe(8);
    expect(new Set(configs.map((c) => c.privateKeyPem)).size).toBe(4);
    expect(configs[2]!.protocol.poolMaxSize).toBe(7);
    expect(configs[1]!.replicas[3]!.publicKeyPem).toBe(configs[3]!.replicas[3]!.publicKeyPem);
  });

  it.each([
    [['--replicas', '4'], '--out is required'],
    [['--out', 'x', '--replicas', '3'], '--replicas must be 3f+1'],
    [['--out', 'x', '--replicas', 'four'], '--replicas must be 3f+1'],
    [['--out', 'x', '--pool-max-size', '0'], '--pool-max-size'],
    [['--out', 'x', '--bogus'], 'Unknown option'],
  ])('init-cluster %j is bad usage (exit 2)', async (args, message) => {
    const out = io();
    expect(await command('init-cluster').run(args, out)).toBe(2);
    expect(out.stderr.text).toContain(message);
  });

  it('start without --config or with an unknown option is bad usage (exit 2)', async () => {
    expect(await command('start').run([], io())).toBe(2);
    expect(await command('start').run(['--config', 'x', '--port', '1'], io())).toBe(2);
  });

  it('start with an unreadable or invalid config fails with the error code (exit 1)', async () => {
    const missing = io();
    expect(await command('start').run(['--config', join(dir, 'absent.json')], missing)).toBe(1);
    expect(missing.stderr.text).toContain('INVALID_RUNTIME_CONFIG');
    const path = join(dir, 'bad.json');
    await writeFile(path, JSON.stringify({ id: 0, channel: 'speedledger', listen: { grpc: '127.0.0.1:1' }, replicas: [] }));
    const invalid = io();
    expect(await command('start').run(['--config', path], invalid)).toBe(1);
    expect(invalid.stderr.text).toContain('config.replicas');
  });

  it('every command has a path under "orderer", a summary and a usage text', () => {
    for (const c of commands) {
      expect(c.path[0]).toBe('orderer');
      expect(c.summary.length).toBeGreaterThan(0);
      expect(c.usage).toContain(`speedledger ${c.path.join(' ')}`);
    }
  });
});
