import { describe, expect, it } from 'vitest';
import type { ExtraServicesProvider } from '../runtime/extra-services.js';
import { createUpCommand, type UpExtension } from './up-extension.js';

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) } } };
}

const seen: Record<string, unknown>[] = [];
const extension: UpExtension = {
  options: { redis: { type: 'string' }, 'no-ingest': { type: 'boolean', default: false } },
  usage: 'Ingest tier: --redis URL, --no-ingest',
  check: (values) => (values.redis === 'bad' ? '--redis must be a redis:// URL' : undefined),
  services(values): ExtraServicesProvider {
    seen.push(values);
    return async () => [];
  },
};

describe('createUpCommand', () => {
  const up = createUpCommand(extension);

  it('adds the extension usage to up --help', () => {
    expect(up.usage).toContain('speedledger up [--data-dir DIR]');
    expect(up.usage).toContain('Ingest tier: --redis URL');
  });

  it("strips the extension's options before the network's own parsing (which then judges the rest)", async () => {
    const { out, io } = capture();
    expect(await up.run(['--redis', 'redis://127.0.0.1:1', '--no-ingest', '--orderers', '5'], io)).toBe(2);
    // The network's up saw only --orderers: it objected to that, not to an unknown --redis.
    expect(out.stderr).toContain('--orderers must be 3f+1');
    expect(out.stderr).not.toMatch(/Unknown option/);
    expect(seen.at(-1)).toEqual({ redis: 'redis://127.0.0.1:1', 'no-ingest': true });
    const inline = capture();
    expect(await up.run(['--redis=redis://h:2', '--orderers', '5'], inline.io)).toBe(2);
    expect(seen.at(-1)).toEqual({ redis: 'redis://h:2', 'no-ingest': false });
  });

  it('refuses a string option without a value, and what the extension checks, before starting anything', async () => {
    const missing = capture();
    expect(await up.run(['--orderers', '4', '--redis'], missing.io)).toBe(2);
    expect(missing.out.stderr).toContain('option --redis needs a value');
    const bad = capture();
    const before = seen.length;
    expect(await up.run(['--redis', 'bad'], bad.io)).toBe(2);
    expect(bad.out.stderr).toContain('--redis must be a redis:// URL');
    expect(seen).toHaveLength(before);
  });

  it("still refuses options neither knows", async () => {
    const { out, io } = capture();
    expect(await up.run(['--dashbord'], io)).toBe(2);
    expect(out.stderr).toMatch(/Unknown option '--dashbord'/);
  });
});
