import { CHANNEL_ID, type NetworkOrg } from '../plan/network-orgs.js';
import { userMspDir, type NetworkPlan } from '../plan/network-plan.js';
import { NETWORK_ORGS } from '../plan/network-orgs.js';

/** Path of an organisation's connection profile, relative to the data directory. */
export function connectionProfileFile(org: NetworkOrg): string {
  return `connection-${org.dir}.json`;
}

/**
 * A Fabric common connection profile (version 1.0) for one organisation. Every channel peer is
 * listed with its roles because the embedded network serves no discovery; only the
 * organisation's own peer is an event source. Addresses are plain `grpc://` (loopback, no TLS).
 * `dataDir` makes the MSP paths absolute, as fabric-network's wallet helpers expect.
 */
export function connectionProfile(plan: NetworkPlan, org: NetworkOrg, dataDir: string): Record<string, unknown> {
  const organizations: Record<string, unknown> = {};
  for (const o of NETWORK_ORGS) {
    organizations[o.mspId] = {
      mspid: o.mspId,
      peers: plan.peers.filter((p) => p.org === o.dir).map((p) => p.name),
      ...(o.dir === org.dir ? {
        adminPrivateKey: { path: `${dataDir}/${userMspDir(o, 'Admin')}/keystore/priv_sk` },
        signedCert: { path: `${dataDir}/${userMspDir(o, 'Admin')}/signcerts/Admin@${o.domain}-cert.pem` },
      } : {}),
    };
  }
  const peers: Record<string, unknown> = {};
  const channelPeers: Record<string, unknown> = {};
  for (const p of plan.peers) {
    peers[p.name] = { url: `grpc://${p.address}`, grpcOptions: { 'ssl-target-name-override': p.name, hostnameOverride: p.name } };
    channelPeers[p.name] = { endorsingPeer: true, chaincodeQuery: true, ledgerQuery: true, eventSource: p.org === org.dir };
  }
  const orderers: Record<string, unknown> = {};
  for (const o of plan.orderers) orderers[o.name] = { url: `grpc://${o.address}`, grpcOptions: { 'ssl-target-name-override': o.name } };
  return {
    name: `speedledger-${org.dir}`,
    version: '1.0.0',
    client: { organization: org.mspId, connection: { timeout: { peer: { endorser: '300' }, orderer: '300' } } },
    organizations,
    orderers,
    peers,
    channels: { [CHANNEL_ID]: { orderers: plan.orderers.map((o) => o.name), peers: channelPeers } },
  };
}
