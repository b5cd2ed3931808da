// Writes Caliper's network configuration (version 2.0) for a `speedledger up` data directory,
// from what `up` wrote there only: the connection profiles of CityOperator (the clients'
// gateway peer) and Inmetro (its registrar), and those users' MSP directories (signcerts,
// keystore). Usage: node network-config.mjs DATA_DIR OUT_FILE
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [dataDir, out] = process.argv.slice(2).map((p) => resolve(p));
if (dataDir === undefined || out === undefined) {
  console.error('usage: node network-config.mjs DATA_DIR OUT_FILE');
  process.exit(2);
}

function identity(org, domain, user) {
  const msp = join(dataDir, 'organizations', org, 'users', `${user}@${domain}`, 'msp');
  const cert = readdirSync(join(msp, 'signcerts')).find((f) => f.endsWith('.pem'));
  const key = readdirSync(join(msp, 'keystore'))[0];
  if (cert === undefined || key === undefined) throw new Error(`no certificate or key in ${msp}`);
  return { name: user, clientSignedCert: { path: join(msp, 'signcerts', cert) }, clientPrivateKey: { path: join(msp, 'keystore', key) } };
}

function organization(org, user) {
  const profilePath = join(dataDir, `connection-${org}.json`);
  const profile = JSON.parse(readFileSync(profilePath, 'utf8'));
  const mspid = profile.client.organization;
  const domain = `${org}.speedledger.local`;
  return { mspid, identities: { certificates: [identity(org, domain, user)] }, connectionProfile: { path: profilePath, discover: false } };
}

const config = {
  name: 'speedledger',
  version: '2.0.0',
  caliper: { blockchain: 'fabric' },
  channels: [{ channelName: 'speedledger', contracts: [{ id: 'lr-chaincode' }] }],
  organizations: [organization('cityoperator', 'User1'), organization('inmetro', 'Registrar')],
};
writeFileSync(out, `${JSON.stringify(config, null, 2)}\n`);
console.log(`wrote ${out}`);
