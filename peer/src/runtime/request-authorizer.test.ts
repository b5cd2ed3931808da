import { describe, expect, it } from 'vitest';
import { channelMspManager, readPeerChannelConfig } from '../channel/index.js';
import { trustNetwork, TRUST_NOW } from '../channel/test-support/trust-network.js';
import { createChannelPolicyEvaluator } from '../policy/index.js';
import { isDenied } from '../services/index.js';
import { createRequestAuthorizer } from './request-authorizer.js';

describe('request authorizer', () => {
  it('admits an application organisation member with a valid signature, refuses the rest', async () => {
    const network = await trustNetwork();
    const config = readPeerChannelConfig(network.genesis);
    const authorizer = createRequestAuthorizer({ msp: channelMspManager(config), evaluateChannelPolicy: createChannelPolicyEvaluator(config), now: () => TRUST_NOW });
    const data = new TextEncoder().encode('seek');
    const client = network.signer('CityOperatorMSP', 'client');
    expect(authorizer.authorize(client.serialized, data, client.sign(data))).toMatchObject({ mspId: 'CityOperatorMSP' });

    const forged = authorizer.authorize(client.serialized, data, network.signer('PTBMSP', 'client').sign(data));
    expect(isDenied(forged) && forged.error).toMatch(/signature/);
    const orderer = network.signer('OrdererMSP', 'orderer');
    const outsider = authorizer.authorize(orderer.serialized, data, orderer.sign(data));
    expect(isDenied(outsider) && outsider.error).toMatch(/Readers/);
    expect(isDenied(authorizer.authorize(new Uint8Array([1, 2]), data, new Uint8Array()))).toBe(true);
    const late = createRequestAuthorizer({ msp: channelMspManager(config), evaluateChannelPolicy: createChannelPolicyEvaluator(config), now: () => new Date('2030-01-01') });
    const expired = late.authorize(client.serialized, data, client.sign(data));
    expect(isDenied(expired) && expired.error).toMatch(/^access denied: creator is not trusted \(NOT_VALID_NOW\): /);
  });
});
