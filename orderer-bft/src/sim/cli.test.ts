import { describe, expect, it } from 'vitest';
import { main } from './cli.js';

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, (line) => (out += `${line}\n`), (line) => (err += `${line}\n`));
  return { code, out, err };
}

describe('sim CLI', () => {
  it('runs a range of seeds and exits 0 when all pass', () => {
    const { code, out } = run(['--seeds', '3', '--from', '10']);
    expect(code).toBe(0);
    expect(out).toContain('3/3 seeds passed');
  });

  it('replays one seed with its trace summary', () => {
    const { code, out } = run(['--seed', '5']);
    expect(code).toBe(0);
    expect(out).toContain('seed 5:');
    expect(out).toContain('invariants: OK');
  });

  it('exits 1 and prints the seed, scenario and replay command on a violation', () => {
    const { code, err } = run(['--seeds', '1', '--kind', 'equivocating-leader', '--unsafe-weak-quorum']);
    expect(code).toBe(1);
    expect(err).toContain('seed 0 FAILED: kind=equivocating-leader');
    expect(err).toContain('replay: npm run sim -w orderer-bft -- --seed 0 --kind equivocating-leader --unsafe-weak-quorum');
  });

  it('prints the replay command with the test-only flags it was given', () => {
    const { code, out } = run(['--seed', '29', '--kind', 'equivocating-voter', '--unsafe-early-new-view']);
    expect(code).toBe(1);
    expect(out).toContain('equivocation');
    expect(out).toContain('replay: npm run sim -w orderer-bft -- --seed 29 --kind equivocating-voter --unsafe-early-new-view');
  });

  it('shows crash figures in the trace', () => {
    const { out } = run(['--seed', '575']);
    expect(out).toMatch(/crashes=\d+ \(aimed \d+\)/);
  });

  it('rejects the removed --strict flag (strict is the only mode)', () => {
    expect(run(['--seed', '575', '--strict']).code).toBe(2);
  });

  it('exits 2 on bad usage', () => {
    expect(run(['--bogus']).code).toBe(2);
    expect(run([]).code).toBe(2);
    expect(run(['--seeds', 'many']).code).toBe(2);
    expect(run(['--seed', '1', '--kind', 'nonsense']).code).toBe(2);
    expect(run(['--seed', '1', '--n', '5']).code).toBe(2);
  });
});
