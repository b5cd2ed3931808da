import { describe, expect, it } from 'vitest';
import { explainRetry } from './lifecycle-retry.js';

describe('explainRetry (lifecycle retries during `up`)', () => {
  it('reports the ENDORSEMENT_MISMATCH of peers catching up as info that says why, not as a failure', () => {
    const error = new Error('_lifecycle ApproveChaincodeDefinitionForMyOrg as Admin@ptb failed: 10 ABORTED: failed to endorse [PTBMSP@127.0.0.1:7061: ENDORSEMENT_MISMATCH: ProposalResponsePayloads do not match]');
    const note = explainRetry('approve PTBMSP', 1, 1000, error);
    expect(note.level).toBe('info');
    expect(note.line).toBe('approve PTBMSP: peers are still catching up with the previous block (ENDORSEMENT_MISMATCH, expected right after a lifecycle transaction); retry 1 in 1 s');
    expect(note.line).not.toMatch(/failed/);
  });

  it('reports a peer not reachable yet as info, anything else as a warning with its message', () => {
    expect(explainRetry('commit', 2, 2000, new Error('14 UNAVAILABLE: No connection established')).level).toBe('info');
    const other = explainRetry('commit', 3, 3000, new Error('APPROVALS_INSUFFICIENT: approvals of [] do not satisfy'));
    expect(other).toEqual({ level: 'warn', line: 'commit: attempt 3 failed: APPROVALS_INSUFFICIENT: approvals of [] do not satisfy; retry 3 in 3 s' });
  });
});
