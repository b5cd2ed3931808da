import { describe, expect, it } from 'vitest';
import { RestartPolicy } from './restart-policy.js';

describe('RestartPolicy', () => {
  it('restarts a member only after N consecutive stalled or timed-out probes, and a healthy one resets the count', () => {
    const policy = new RestartPolicy({ failuresBeforeRestart: 3 });
    expect(policy.observe('peer0', 'timeout')).toBe('none');
    expect(policy.observe('peer0', 'stalled')).toBe('none');
    expect(policy.observe('peer0', 'healthy')).toBe('none');
    expect(policy.failuresOf('peer0')).toBe(0);
    expect(['timeout', 'timeout', 'stalled'].map((p) => policy.observe('peer0', p as 'timeout'))).toEqual(['none', 'none', 'restart']);
    expect(policy.failuresOf('peer0')).toBe(0);
    expect(policy.observe('orderer1', 'timeout')).toBe('none');
    expect(policy.failuresOf('orderer1')).toBe(1);
  });

  it('respawns exited members only when asked to', () => {
    expect(new RestartPolicy().observe('peer0', 'exited')).toBe('none');
    expect(new RestartPolicy({ respawnExited: true }).observe('peer0', 'exited')).toBe('respawn');
  });

  it('refuses a threshold that is not a positive integer', () => {
    expect(() => new RestartPolicy({ failuresBeforeRestart: 0 })).toThrow(RangeError);
    expect(() => new RestartPolicy({ failuresBeforeRestart: 1.5 })).toThrow(RangeError);
  });
});
