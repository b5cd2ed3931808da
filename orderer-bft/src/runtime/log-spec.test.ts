import { describe, expect, it } from 'vitest';
import { LogSpec } from './log-spec.js';

describe('LogSpec', () => {
  it('accepts plain levels in any case, Fabric\'s "warning", and the last of several segments', () => {
    expect(LogSpec.parse('debug')).toBe('debug');
    expect(LogSpec.parse(' ERROR ')).toBe('error');
    expect(LogSpec.parse('warning')).toBe('warn');
    expect(LogSpec.parse('debug:warn')).toBe('warn');
  });

  it('reads an empty spec as info, as Fabric does', () => {
    expect(LogSpec.parse('')).toBe('info');
    const spec = new LogSpec('error');
    spec.activate('');
    expect(spec.spec).toBe('info');
  });

  it('refuses per-logger segments, unknown levels and the levels these processes never log at, changing nothing', () => {
    const spec = new LogSpec('debug');
    for (const bad of ['gossip=debug', 'info:msp,gossip=warn', 'verbose', 'fatal', 'panic', 'dpanic']) {
      expect(() => spec.activate(bad), bad).toThrow(expect.objectContaining({ code: 'INVALID_LOG_SPEC', ids: { spec: bad } }));
    }
    expect(spec.level).toBe('debug');
  });
});
