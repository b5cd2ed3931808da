import { describe, expect, it } from 'vitest';
import { organizationOf, parseConnectionProfile, selectPeer, withStaticChannel } from './connection-profile.js';
import { LedgerError } from './errors/ledger-error.js';

function profile(): Record<string, unknown> {
  return {
    name: 'speedledger',
    client: { organization: 'CityOperator' },
    organizations: {
      CityOperator: { mspid: 'CityOperatorMSP', peers: ['peer0.city'] },
      Inmetro: { mspid: 'InmetroMSP', peers: ['peer0.inmetro'] },
    },
    peers: {
      'peer0.city': { url: 'grpc://127.0.0.1:7051' },
      'peer0.inmetro': { url: 'grpcs://127.0.0.1:8051', tlsCACerts: { pem: 'PEM' }, grpcOptions: { 'ssl-target-name-override': 'peer0.inmetro.example.com' } },
    },
    orderers: { orderer0: { url: 'grpc://127.0.0.1:7050' } },
  };
}

function configError(run: () => unknown): LedgerError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LedgerError);
    expect((error as LedgerError).code).toBe('INVALID_CONFIG');
    return error as LedgerError;
  }
  throw new Error('expected INVALID_CONFIG');
}

describe('parseConnectionProfile', () => {
  it('reads organisations, peers and orderers', () => {
    const parsed = parseConnectionProfile(profile());
    expect(parsed.clientOrganization).toBe('CityOperator');
    expect(organizationOf(parsed, 'InmetroMSP')[0]).toBe('Inmetro');
    expect(Object.keys(parsed.orderers)).toEqual(['orderer0']);
  });

  it('accepts channel peers as a role map (standard form) or a list', () => {
    const withChannel = { ...profile(), channels: { speedledger: { orderers: ['orderer0'], peers: { 'peer0.city': { endorsingPeer: true } } } } };
    expect(parseConnectionProfile(withChannel).channels.speedledger!.peers).toEqual(['peer0.city']);
    const withList = { ...profile(), channels: { speedledger: { peers: ['peer0.inmetro'] } } };
    expect(parseConnectionProfile(withList).channels.speedledger!.peers).toEqual(['peer0.inmetro']);
  });

  const bad: [string, (p: Record<string, unknown>) => unknown][] = [
    ['not an object', () => 'profile'],
    ['no organizations', (p) => ({ ...p, organizations: {} })],
    ['organization without mspid', (p) => ({ ...p, organizations: { X: { peers: [] } } })],
    ['organization naming an unknown peer', (p) => ({ ...p, organizations: { X: { mspid: 'XMSP', peers: ['ghost'] } } })],
    ['peer without url', (p) => ({ ...p, peers: { 'peer0.city': {} } })],
    ['peer with an http url', (p) => ({ ...p, peers: { 'peer0.city': { url: 'http://127.0.0.1:7051' } } })],
    ['tlsCACerts without pem or path', (p) => ({ ...p, peers: { ...(p.peers as object), 'peer0.city': { url: 'grpcs://h:1', tlsCACerts: {} } } })],
    ['channel naming an unknown orderer', (p) => ({ ...p, channels: { speedledger: { orderers: ['ghost'] } } })],
    ['channel peers of the wrong type', (p) => ({ ...p, channels: { speedledger: { peers: 7 } } })],
  ];
  for (const [name, mutate] of bad) {
    it(`refuses a profile with ${name}`, () => {
      configError(() => parseConnectionProfile(mutate(profile())));
    });
  }
});

describe('selectPeer', () => {
  const parsed = parseConnectionProfile(profile());

  it("picks the client organisation's first peer, plaintext", () => {
    expect(selectPeer(parsed, 'CityOperatorMSP')).toEqual({ name: 'peer0.city', address: '127.0.0.1:7051', tls: false, tlsRootCertPem: undefined, serverNameOverride: undefined });
  });

  it('honours an explicit peer, with TLS root and name override', () => {
    const endpoint = selectPeer(parsed, 'CityOperatorMSP', 'peer0.inmetro');
    expect(endpoint).toMatchObject({ address: '127.0.0.1:8051', tls: true, tlsRootCertPem: 'PEM', serverNameOverride: 'peer0.inmetro.example.com' });
  });

  it('refuses an MSP the profile does not know and an unknown peer name', () => {
    expect(configError(() => selectPeer(parsed, 'PTBMSP')).ids).toMatchObject({ mspId: 'PTBMSP' });
    configError(() => selectPeer(parsed, 'CityOperatorMSP', 'peer9'));
  });
});

describe('withStaticChannel', () => {
  it('synthesises the channel from every peer and orderer when the profile has none', () => {
    const raw = withStaticChannel(parseConnectionProfile(profile()), 'speedledger') as { channels: Record<string, { orderers: string[]; peers: Record<string, object> }> };
    expect(raw.channels.speedledger!.orderers).toEqual(['orderer0']);
    expect(Object.keys(raw.channels.speedledger!.peers).sort()).toEqual(['peer0.city', 'peer0.inmetro']);
  });

  it('keeps an existing channel section and does not modify the input', () => {
    const input = { ...profile(), channels: { speedledger: { orderers: [], peers: { 'peer0.city': {} } } } };
    const before = JSON.stringify(input);
    const raw = withStaticChannel(parseConnectionProfile(input), 'speedledger') as { channels: Record<string, { peers: object }> };
    expect(Object.keys(raw.channels.speedledger!.peers)).toEqual(['peer0.city']);
    expect(JSON.stringify(input)).toBe(before);
  });
});
