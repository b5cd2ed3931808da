import { canonicalJson } from './canonical-json.js';
import { ContractError } from './contract-error.js';
import { Info, LrContext, LrContract, Returns, Transaction } from './fabric-api.js';
import { parseGovernance } from './governance.js';
import { KEY_TYPES } from './ledger-keys.js';
import { loadGovernance, writeJson } from './ledger-store.js';
import { actorOf, hasRegistrarRole } from './registrar-check.js';

/**
 * `Governance`: the one-time setting of which MSPs are notified bodies and the registration
 * quorum. Not hard-coded, so a network can add a body by a chaincode upgrade plus data, never by
 * editing LR code.
 */
@Info({ title: 'Governance', description: 'Notified bodies and registration quorum, set once' })
export class GovernanceContract extends LrContract {
  constructor() {
    super('Governance');
  }

  /**
   * Sets governance once: `{"notifiedBodies":[msp…],"registrationQuorum":k}`. The caller must be
   * a registrar of one of the bodies it names; a second call fails with ALREADY_EXISTS.
   */
  @Transaction()
  @Returns('string')
  async Init(ctx: LrContext, governanceJson: string): Promise<string> {
    const governance = parseGovernance(governanceJson);
    const key = ctx.stub.createCompositeKey(KEY_TYPES.GOVERNANCE, ['config']);
    const existing = await ctx.stub.getState(key);
    if (existing && existing.length > 0) throw new ContractError('ALREADY_EXISTS', 'governance is already initialised');
    const actor = actorOf(ctx);
    if (!governance.notifiedBodies.includes(actor.mspId) || !hasRegistrarRole(ctx)) {
      throw new ContractError('FORBIDDEN', `governance may only be set by a registrar of a listed notified body, not ${actor.mspId}`, { mspId: actor.mspId });
    }
    await writeJson(ctx, key, governance);
    ctx.stub.setEvent('GovernanceInitialised', Buffer.from(canonicalJson({ ...governance, by: actor })));
    return canonicalJson(governance);
  }

  /** The current governance (NOT_INITIALISED before Init). */
  @Transaction(false)
  @Returns('string')
  async Get(ctx: LrContext): Promise<string> {
    return canonicalJson(await loadGovernance(ctx));
  }
}
