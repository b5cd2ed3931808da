import type { MspManager } from '../msp/index.js';
import { isIdentityFailure, verifySignature } from '../msp/index.js';
import type { ChannelPolicyEvaluator } from '../policy/index.js';
import type { RequestAuthorizer } from '../services/index.js';

/** The channel policy a signed read request (Deliver, CommitStatus, ChaincodeEvents) must satisfy. */
export const CHANNEL_READERS_POLICY = '/Channel/Application/Readers';
/** The channel policy a proposal to endorse or a transaction to submit must satisfy. */
export const CHANNEL_WRITERS_POLICY = '/Channel/Application/Writers';

/** What {@link createRequestAuthorizer} checks against. */
export interface RequestAuthorizerOptions {
  readonly msp: MspManager;
  readonly evaluateChannelPolicy: ChannelPolicyEvaluator;
  /** The time certificates must be valid at (the runtime passes the wall clock). */
  readonly now: () => Date;
  readonly policyPath?: string;
}

/**
 * Checks a signed request as Fabric's ACL provider does for channel reads: the creator chains to
 * a channel organisation and is valid now, the signature over the request bytes is its own, and
 * the channel's Readers policy admits it.
 */
export function createRequestAuthorizer(options: RequestAuthorizerOptions): RequestAuthorizer {
  const path = options.policyPath ?? CHANNEL_READERS_POLICY;
  return {
    authorize(creator, data, signature) {
      const identity = options.msp.deserialize(creator, options.now());
      // The MSP's code travels in the text, as the endorser's CREATOR_UNTRUSTED does: clients map it.
      if (isIdentityFailure(identity)) return { error: `access denied: creator is not trusted (${identity.code}): ${identity.error}` };
      if (!verifySignature(identity, data, signature)) return { error: `access denied: signature of ${identity.mspId} creator does not verify` };
      if (!options.evaluateChannelPolicy(path, [identity])) return { error: `access denied: ${identity.mspId} creator does not satisfy ${path}` };
      return identity;
    },
  };
}
