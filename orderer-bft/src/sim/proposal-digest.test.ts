import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMING } from '../core/config.js';
import { ReplicaState } from '../core/replica-state.js';
import { proposalDigestOf } from './proposal-digest.js';
import { encodeSimRequest, SimAssembler, simInspector } from './sim-assembler.js';
import { sha256Hasher, SimKeyring } from './sim-crypto.js';

describe('proposalDigestOf', () => {
  const assembler = new SimAssembler(sha256Hasher);
  const genesis = new TextEncoder().encode('g');
  const keyring = new SimKeyring(1, 4);
  const state = new ReplicaState({ ...DEFAULT_TIMING, id: 0, n: 4 }, {
    signer: keyring.signerFor(0), verifier: keyring, assembler, inspector: simInspector, hasher: sha256Hasher, genesisHeader: genesis,
  });

  it('equals the digest the core signs and votes on', () => {
    for (const requests of [[], [encodeSimRequest('c', '1')], [encodeSimRequest('c', '1'), encodeSimRequest('d', '2', 'pad')]]) {
      const proposal = assembler.assemble(requests, { sequence: requests.length + 1, previousHeader: genesis });
      expect(proposalDigestOf(sha256Hasher, proposal)).toBe(state.proposalDigest(proposal));
    }
  });

  it('binds the split between header and payload', () => {
    const a = { header: new Uint8Array([1, 2]), payload: new Uint8Array([3]) };
    const b = { header: new Uint8Array([1]), payload: new Uint8Array([2, 3]) };
    expect(proposalDigestOf(sha256Hasher, a)).not.toBe(proposalDigestOf(sha256Hasher, b));
  });
});
