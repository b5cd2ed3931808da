import type { RequestInfo, RequestInspector } from '../core/dependencies.js';
import type { ChannelMembers } from './channel-members.js';
import { clientIdOf, parseEnvelope } from './parse-envelope.js';
import { validateEnvelope } from './validate-envelope.js';

/** Options for {@link createEnvelopeInspector}. */
export interface EnvelopeInspectorOptions {
  /**
   * When given, every request (also those inside a leader's proposal) must pass
   * {@link validateEnvelope} for this channel, minus the certificate-validity check: that one
   * depends on each replica's clock, and replicas must agree deterministically on a proposal.
   * An envelope this replica already validated (at Broadcast, or in an earlier proposal) is
   * recognised by its SHA-256 in the channel's validation cache and not verified again; anything
   * else a leader proposes is verified in full.
   */
  readonly channel?: ChannelMembers;
  readonly maxBytes?: number;
}

/**
 * The core's {@link RequestInspector} for Fabric envelopes: clientId = creator MSP + digest of the
 * creator certificate, requestId = the tx id. Undefined (rejected) for malformed envelopes, or for
 * invalid ones when a channel is given.
 */
export function createEnvelopeInspector(options: EnvelopeInspectorOptions = {}): RequestInspector {
  const { channel } = options;
  const maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
  return {
    inspect(request: Uint8Array): RequestInfo | undefined {
      if (channel !== undefined) {
        const result = validateEnvelope(request, channel, { maxBytes });
        return result.ok && result.txId !== '' ? { clientId: result.clientId, requestId: result.txId } : undefined;
      }
      if (request.byteLength > maxBytes) return undefined;
      const parsed = parseEnvelope(request);
      if ('code' in parsed || parsed.txId === '') return undefined;
      return { clientId: clientIdOf(parsed), requestId: parsed.txId };
    },
  };
}
