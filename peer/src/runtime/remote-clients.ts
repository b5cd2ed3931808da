import { credentials, makeGenericClientConstructor, type Client, type ServiceError } from '@grpc/grpc-js';
import { common, peer } from '@hyperledger/fabric-protos';
import { AtomicBroadcastClient } from '@speedledger/orderer-bft/runtime';
import { ENDORSER_SERVICE_DEFINITION, type ProposalProcessor } from '../services/index.js';

type Status = common.StatusMap[keyof common.StatusMap];

const EndorserClient = makeGenericClientConstructor(ENDORSER_SERVICE_DEFINITION, 'Endorser');

/** Another peer's `protos.Endorser`, as the Gateway calls it (one channel per address, reused). */
export function remoteEndorser(address: string, timeoutMs = 30_000): ProposalProcessor & { close(): void } {
  const client = new EndorserClient(address, credentials.createInsecure()) as unknown as Client & {
    processProposal(request: peer.SignedProposal, options: object, callback: (error: ServiceError | null, response?: peer.ProposalResponse) => void): void;
  };
  return {
    processProposal: (signed) => new Promise((resolve, reject) => {
      client.processProposal(signed, { deadline: Date.now() + timeoutMs }, (error, response) => {
        if (error !== null || response === undefined) reject(new Error(error?.details || error?.message || 'no response'));
        else resolve(response);
      });
    }),
    close: () => client.close(),
  };
}

/**
 * Broadcasts envelopes to orderers with orderer-bft's AtomicBroadcast client (one per address);
 * an orderer that does not answer within `timeoutMs` counts as failed and its stream is reset.
 */
export function ordererBroadcaster(timeoutMs = 15_000): { broadcast(address: string, envelope: common.Envelope): Promise<{ status: Status; info: string }>; close(): void } {
  const clients = new Map<string, AtomicBroadcastClient>();
  return {
    async broadcast(address, envelope) {
      let client = clients.get(address);
      if (client === undefined) {
        client = new AtomicBroadcastClient(address);
        clients.set(address, client);
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`orderer ${address} did not answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        // orderer-bft has its own fabric-protos copy: hand it bytes, not this package's message object.
        const response = await Promise.race([client.broadcastRaw(envelope.serializeBinary()), timeout]);
        if (response.status === common.Status.SERVICE_UNAVAILABLE && response.info === 'stream failed') throw new Error(`orderer ${address} unreachable`);
        return response;
      } catch (error) {
        clients.delete(address);
        client.close();
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
    close() {
      for (const client of clients.values()) client.close();
      clients.clear();
    },
  };
}
