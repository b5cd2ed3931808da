import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from './index.js';

function io() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) } } };
}
const command = (name: string) => commands.find((c) => c.path.join(' ') === `peer ${name}`)!;

describe('peer commands', () => {
  it('exports start and rebuild-state under "peer"', () => {
    expect(commands.map((c) => c.path.join(' '))).toEqual(['peer start', 'peer rebuild-state']);
  });

  it('bad usage exits 2 with the usage text', async () => {
    for (const name of ['start', 'rebuild-state']) {
      const a = io();
      expect(await command(name).run([], a.io)).toBe(2);
      expect(a.out.stderr).toContain('--config is required');
      const b = io();
      expect(await command(name).run(['--nope'], b.io)).toBe(2);
      expect(b.out.stderr).toContain(`speedledger peer ${name} --config FILE`);
    }
  });

  it('rebuild-state replays a stopped peer\'s ledger', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'peer-cli-'));
    await writeFile(join(dir, 'peer.json'), JSON.stringify({
      name: 'peer0', mspId: 'InmetroMSP', mspDir: 'msp', listen: { grpc: '127.0.0.1:1', operations: '127.0.0.1:2' }, dataDir: 'data',
      channel: { id: 'speedledger', genesisBlock: 'genesis.block' }, chaincodePackagesDir: 'cc',
    }));
    const a = io();
    expect(await command('rebuild-state').run(['--config', join(dir, 'peer.json')], a.io)).toBe(0);
    expect(a.out.stdout).toBe('state rebuilt from 0 blocks\n');
  });

  it('an invalid config exits 1 naming the code and field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'peer-cli-'));
    await writeFile(join(dir, 'peer.json'), JSON.stringify({ name: 'p' }));
    for (const name of ['start', 'rebuild-state']) {
      const a = io();
      expect(await command(name).run(['--config', join(dir, 'peer.json')], a.io)).toBe(1);
      expect(a.out.stderr).toMatch(/INVALID_PEER_CONFIG: config\.\w+/);
    }
  });
});
