import { credentials, makeGenericClientConstructor, status, type ServiceError } from '@grpc/grpc-js';
import { peer } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDORSER_SERVICE_DEFINITION } from '../services/index.js';
import { MAX_REQUEST_BYTES, startPeerGrpcServer } from './peer-grpc-server.js';

const EndorserClient = makeGenericClientConstructor(ENDORSER_SERVICE_DEFINITION, 'Endorser');
let handled = 0;
let stop: () => void;
let client: InstanceType<typeof EndorserClient>;

function processProposal(signed: peer.SignedProposal): Promise<peer.ProposalResponse> {
  return new Promise((resolve, reject) => {
    client.processProposal!(signed, { deadline: Date.now() + 20_000 }, (error: ServiceError | null, response: peer.ProposalResponse) => (error ? reject(error) : resolve(response)));
  });
}

function proposalOf(bytes: number): peer.SignedProposal {
  const signed = new peer.SignedProposal();
  signed.setProposalBytes(new Uint8Array(bytes));
  return signed;
}

beforeAll(async () => {
  const { address, server } = await startPeerGrpcServer('127.0.0.1:0', {
    endorser: {
      processProposal: (_call: unknown, done: (error: null, response: peer.ProposalResponse) => void) => {
        handled += 1;
        done(null, new peer.ProposalResponse());
      },
    },
    deliver: {},
    gateway: {},
  });
  stop = () => server.forceShutdown();
  client = new EndorserClient(address, credentials.createInsecure(), { 'grpc.max_send_message_length': -1 });
});

afterAll(() => {
  client?.close();
  stop?.();
});

describe('peer gRPC server limits', { timeout: 60_000 }, () => {
  it('refuses a request over MAX_REQUEST_BYTES before any handler sees it, and serves the next one', async () => {
    await expect(processProposal(proposalOf(MAX_REQUEST_BYTES + 1024))).rejects.toMatchObject({ code: status.RESOURCE_EXHAUSTED });
    expect(handled).toBe(0);
    await expect(processProposal(proposalOf(1024 * 1024))).resolves.toBeInstanceOf(peer.ProposalResponse);
    expect(handled).toBe(1);
  });
});
