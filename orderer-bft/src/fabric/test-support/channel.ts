import type { ChannelSpec } from '../genesis-block.js';
import type { TestNetwork } from './fixtures.js';

/** The channel spec of a test network: one application org, one orderer org, n consenters. */
export function testChannelSpec(net: TestNetwork, channelId = 'speedledger'): ChannelSpec {
  return {
    channelId,
    organizations: [{ mspId: net.clientOrg.mspId, rootCertsPem: [net.clientOrg.ca.certPem] }],
    ordererOrganizations: [{ mspId: net.ordererOrg.mspId, rootCertsPem: [net.ordererOrg.ca.certPem] }],
    consenters: net.consenters.map((c, i) => ({ ...c, host: `orderer${i}.orderer.example.com`, port: 7050 + i })),
    batch: { maxMessageCount: 10, timeout: '500ms' },
  };
}
