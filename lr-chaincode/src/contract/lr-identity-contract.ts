import { canonicalJson } from './canonical-json.js';
import { Info, LrContext, LrContract, Returns, Transaction } from './fabric-api.js';
import { LR_SPEED_ALGORITHM } from './lr-algorithm.js';
import { currentLrIdentity } from './lr-identity.js';

/** `LrIdentity`: software identification of the running LR code (WELMEC 7.2 P2). */
@Info({ title: 'LrIdentity', description: 'Name, version and bundle fingerprint of the LR software' })
export class LrIdentityContract extends LrContract {
  constructor() {
    super('LrIdentity');
  }

  /** `{"algorithmVersion","fingerprint","name","version"}`; fingerprint = SHA-256 of the running bundle. */
  @Transaction(false)
  @Returns('string')
  async GetLrIdentity(_ctx: LrContext): Promise<string> {
    return canonicalJson(currentLrIdentity(LR_SPEED_ALGORITHM.version));
  }
}
