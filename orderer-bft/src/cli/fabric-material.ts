import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateOrganization } from '../fabric/crypto-material.js';
import { createGenesisBlock } from '../fabric/genesis-block.js';

/** Files written for a Fabric-mode cluster, relative to the output directory. */
export interface FabricClusterFiles {
  readonly genesisBlockFile: string;
  readonly consenters: readonly { certFile: string; privateKeyFile: string }[];
  /** A client identity of the application organisation (for Broadcast/Deliver). */
  readonly client: { certFile: string; privateKeyFile: string; mspId: string };
}

/**
 * cryptogen + configtxgen in one step: an orderer organisation with one consenter per replica, an
 * application organisation with one client, and the BFT channel's genesis block listing the
 * consenters in replica order with their gRPC endpoints.
 */
export async function writeFabricMaterial(out: string, channel: string, addresses: readonly string[], now: Date): Promise<FabricClusterFiles> {
  const ordererOrg = await generateOrganization({ mspId: 'OrdererMSP', domain: 'orderer.example.com', now });
  const clientOrg = await generateOrganization({ mspId: 'Org1MSP', domain: 'org1.example.com', now });
  const consenters = [];
  const files = [];
  for (const [i, address] of addresses.entries()) {
    const orderer = await ordererOrg.enrol(`orderer${i}.orderer.example.com`, { ou: 'orderer' });
    const certFile = `keys/orderer${i}.cert.pem`;
    const privateKeyFile = `keys/orderer${i}.key.pem`;
    await writeFile(join(out, certFile), orderer.certPem);
    await writeFile(join(out, privateKeyFile), orderer.privateKeyPem, { mode: 0o600 });
    const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
    consenters.push({ id: i + 1, host, port, mspId: orderer.mspId, certPem: orderer.certPem });
    files.push({ certFile, privateKeyFile });
  }
  const client = await clientOrg.enrol('user1.org1.example.com', { ou: 'client' });
  await writeFile(join(out, 'keys/client.cert.pem'), client.certPem);
  await writeFile(join(out, 'keys/client.key.pem'), client.privateKeyPem, { mode: 0o600 });
  const genesis = createGenesisBlock({
    channelId: channel,
    organizations: [{ mspId: clientOrg.mspId, rootCertsPem: [clientOrg.ca.certPem] }],
    ordererOrganizations: [{ mspId: ordererOrg.mspId, rootCertsPem: [ordererOrg.ca.certPem], endpoints: [...addresses] }],
    consenters,
  });
  await writeFile(join(out, 'genesis.block'), genesis.serializeBinary());
  return {
    genesisBlockFile: 'genesis.block', consenters: files,
    client: { certFile: 'keys/client.cert.pem', privateKeyFile: 'keys/client.key.pem', mspId: clientOrg.mspId },
  };
}
