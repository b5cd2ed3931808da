import { describe, expect, it } from 'vitest';
import { formatStatus } from '../cli/lifecycle-commands.js';
import { withOrdererStates, type MemberHealth } from './member-health.js';

const orderer = (name: string, height: number, view: number, extra: Partial<MemberHealth> = {}): MemberHealth => ({
  name, kind: 'orderer', org: 'inmetro', address: '127.0.0.1:1', operations: '127.0.0.1:2', healthy: true, height, view, ...extra,
});

describe('withOrdererStates (speedledger status)', () => {
  it('shows a replica behind, or alone in a higher view, as degraded with its height and view against the quorum\'s', () => {
    const members = withOrdererStates([
      orderer('o0', 530, 25), orderer('o1', 1343, 20), orderer('o2', 1343, 20), orderer('o3', 1342, 20),
      { name: 'p0', kind: 'peer', org: 'inmetro', address: 'x', operations: 'y', healthy: true, height: 1343 },
    ]);
    expect(members.map((m) => m.state)).toEqual(['degraded', 'healthy', 'healthy', 'healthy', undefined]);
    expect(members[0]!.degraded).toBe("height 530 against the quorum's 1343, alone in view 25 against the quorum's 20");
    const text = formatStatus({ dataDir: '/d', channel: 'c', chaincode: { name: 'lr', version: '1', sequence: 1, deployed: true }, members });
    expect(text).toMatch(/o0 .* degraded +height 530 view 25/);
    expect(text).toContain("degraded: height 530 against the quorum's 1343, alone in view 25 against the quorum's 20");
    expect(text).toMatch(/o1 .* healthy +height 1343 view 20/);
  });

  it('tolerates the blocks in flight, flags a self-reported catch-up, and marks a silent replica down', () => {
    const members = withOrdererStates([
      orderer('o0', 99, 3), orderer('o1', 101, 3), orderer('o2', 100, 3, { behind: true, quorumHeight: 140, quorumView: 3 }),
      orderer('o3', 0, 0, { healthy: false, error: 'timed out' }),
    ]);
    expect(members.map((m) => m.state)).toEqual(['healthy', 'healthy', 'degraded', 'down']);
    expect(members[2]!.degraded).toBe('catching up (sees the quorum at height 140, view 3)');
  });

  it('shows a replica in an older view as degraded', () => {
    const members = withOrdererStates([orderer('o0', 50, 1), orderer('o1', 50, 2), orderer('o2', 50, 2), orderer('o3', 50, 2)]);
    expect(members[0]).toMatchObject({ state: 'degraded', degraded: "view 1 against the quorum's 2" });
  });
});
