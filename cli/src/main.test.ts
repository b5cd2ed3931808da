import { describe, expect, it } from 'vitest';
import type { CliCommand } from './command.js';
import { main } from './main.js';

function capture() {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } },
    out: () => out,
    err: () => err,
  };
}

function command(path: string[], run: CliCommand['run']): CliCommand {
  return { path, summary: `does ${path.join(' ')}`, usage: `Usage: speedledger ${path.join(' ')} [--x]`, run };
}

const seen: string[][] = [];
const fixtures: CliCommand[] = [
  command(['meter', 'show'], async (args) => (seen.push(['show', ...args]), 0)),
  command(['meter'], async (args) => (seen.push(['meter', ...args]), 0)),
  command(['reading', 'submit'], async () => 0),
  command(['reading', 'show'], async () => 0),
  command(['boom'], async () => {
    throw new Error('disk on fire');
  }),
];

describe('speedledger command line', () => {
  it('lists every subcommand with its summary on --help', async () => {
    const c = capture();
    expect(await main(['--help'], c.io, fixtures)).toBe(0);
    expect(c.out()).toContain('speedledger meter show');
    expect(c.out()).toContain('does boom');
  });

  it('dispatches to the longest matching path with the remaining arguments', async () => {
    seen.length = 0;
    const c = capture();
    expect(await main(['meter', 'show', 'SP-1'], c.io, fixtures)).toBe(0);
    expect(await main(['meter', 'list'], c.io, fixtures)).toBe(0);
    expect(seen).toEqual([
      ['show', 'SP-1'],
      ['meter', 'list'],
    ]);
  });

  it('answers an unknown command with exit code 2 and the list of commands', async () => {
    const c = capture();
    expect(await main(['nope'], c.io, fixtures)).toBe(2);
    expect(c.err()).toContain("unknown command 'nope'");
    expect(c.err()).toContain('speedledger meter show');
  });

  it('shows a command its own usage on --help without running it', async () => {
    seen.length = 0;
    const c = capture();
    expect(await main(['meter', 'show', '--help'], c.io, fixtures)).toBe(0);
    expect(c.out()).toContain('Usage: speedledger meter show');
    expect(seen).toEqual([]);
  });

  it('turns a failure inside a command into exit code 1 with the message', async () => {
    const c = capture();
    expect(await main(['boom'], c.io, fixtures)).toBe(1);
    expect(c.err()).toContain('speedledger boom: disk on fire');
  });

  it('prints its version and Node version on --version, -V and version', async () => {
    for (const flag of ['--version', '-V', 'version']) {
      const c = capture();
      expect(await main([flag], c.io, fixtures)).toBe(0);
      expect(c.out()).toMatch(/^speedledger \d+\.\d+\.\d+ \(node v\d+\.\d+\.\d+\)\n$/);
    }
  });

  it('lists a command group on its own name or --help, and only that group', async () => {
    for (const argv of [['reading'], ['reading', '--help']]) {
      const c = capture();
      expect(await main(argv, c.io, fixtures)).toBe(0);
      expect(c.out()).toContain('Usage: speedledger reading <command> [options]');
      expect(c.out()).toContain('speedledger reading submit');
      expect(c.out()).toContain('speedledger reading show');
      expect(c.out()).not.toContain('boom');
    }
  });

  it('suggests the closest commands for a typo, and nothing for something far off', async () => {
    const typo = capture();
    expect(await main(['reading', 'sumbit', 'a.dlr'], typo.io, fixtures)).toBe(2);
    expect(typo.err()).toContain("Did you mean 'speedledger reading submit'?");
    const group = capture();
    expect(await main(['redaing', 'show'], group.io, fixtures)).toBe(2);
    expect(group.err()).toContain("Did you mean 'speedledger reading show'?");
    const far = capture();
    expect(await main(['xyzzy'], far.io, fixtures)).toBe(2);
    expect(far.err()).not.toContain('Did you mean');
  });

  it('exits 2 with help when called without a command', async () => {
    const c = capture();
    expect(await main([], c.io, fixtures)).toBe(2);
    expect(c.out()).toContain('Usage: speedledger <command>');
  });
});
