import { createPrivateKey } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { connect, GatewayError, hash, signers, type Gateway, type Network } from '@hyperledger/fabric-gateway';
import * as protos from '@hyperledger/fabric-protos';
import { readMspIdentity } from '@speedledger/orderer-bft';
import { NetworkError } from '../errors/network-error.js';
import type { NetworkManifest } from '../manifest/network-manifest.js';
import { resolveIdentity, resolveOrg } from '../runtime/identity-lookup.js';

/** A connection of one identity to its organisation's own peer through the Fabric Gateway. */
export interface GatewaySession {
  readonly mspId: string;
  readonly network: Network;
  /** Submits a transaction and waits for its commit; returns the result as text. */
  submit(chaincode: string, transaction: string, args: readonly string[], endorsingOrganizations?: readonly string[]): Promise<string>;
  /** {@link submit}, also answering the block the transaction committed in. */
  submitInBlock(chaincode: string, transaction: string, args: readonly string[], endorsingOrganizations?: readonly string[]): Promise<{ readonly result: string; readonly blockNumber: number }>;
  /** Evaluates a query on the gateway peer; returns the result as text. */
  evaluate(chaincode: string, transaction: string, args: readonly string[]): Promise<string>;
  /**
   * The block number and validation code of a committed transaction (the Gateway's
   * CommitStatus, which real Fabric peers answer for any transaction in their ledger).
   */
  commitStatus(transactionId: string): Promise<{ readonly blockNumber: number; readonly code: number; readonly successful: boolean }>;
  close(): void;
}

/**
 * The most specific message of a gateway failure: the peers' details themselves, when there are
 * any, in place of gRPC's "see attached details for more info" (issue 16).
 */
export function gatewayMessage(error: unknown): string {
  if (error instanceof GatewayError) {
    const details = error.details.map((d) => `${d.mspId}@${d.address}: ${d.message}`);
    const message = error.message.replace(/,? see attached details for more info/, '');
    return details.length > 0 ? `${message} [${details.join('; ')}]` : message;
  }
  const cause = (error as Error).cause;
  if (cause instanceof GatewayError) return `${(error as Error).message}: ${gatewayMessage(cause)}`;
  return (error as Error).message;
}

/**
 * Opens a Fabric Gateway session as `user` (`Admin`, `User1`, `Registrar`) of `org`, to that
 * organisation's peer, over plain gRPC on loopback; the identity comes from its MSP directory.
 */
export async function openGatewaySession(manifest: NetworkManifest, org: string, user: string): Promise<GatewaySession> {
  const organisation = resolveOrg(manifest, org);
  const identity = resolveIdentity(manifest, organisation.dir, user);
  const peer = manifest.processes.find((p) => p.kind === 'peer' && p.org === organisation.dir);
  if (peer === undefined) throw new NetworkError('UNKNOWN_MEMBER', `organisation ${organisation.dir} has no peer`, { org: organisation.dir });
  const material = await readMspIdentity(identity.mspDir);
  const client = new grpc.Client(peer.address, grpc.credentials.createInsecure());
  let gateway: Gateway;
  try {
    gateway = connect({
      client,
      identity: { mspId: organisation.mspId, credentials: new TextEncoder().encode(material.certPem) },
      signer: signers.newPrivateKeySigner(createPrivateKey(material.privateKeyPem)),
      hash: hash.sha256,
      evaluateOptions: () => ({ deadline: Date.now() + 30_000 }),
      endorseOptions: () => ({ deadline: Date.now() + 60_000 }),
      submitOptions: () => ({ deadline: Date.now() + 30_000 }),
      commitStatusOptions: () => ({ deadline: Date.now() + 120_000 }),
    });
  } catch (cause) {
    client.close();
    throw new NetworkError('GATEWAY_FAILED', `cannot connect to ${peer.name}: ${(cause as Error).message}`, { name: peer.name }, cause);
  }
  const network = gateway.getNetwork(manifest.channel);
  const decoder = new TextDecoder();
  return {
    mspId: organisation.mspId,
    network,
    async submit(chaincode, transaction, args, endorsingOrganizations) {
      try {
        const result = await network.getContract(chaincode).submit(transaction, {
          arguments: [...args], ...(endorsingOrganizations === undefined ? {} : { endorsingOrganizations: [...endorsingOrganizations] }),
        });
        return decoder.decode(result);
      } catch (cause) {
        throw new NetworkError('GATEWAY_FAILED', `${chaincode} ${transaction} as ${identity.name} failed: ${gatewayMessage(cause)}`, {
          chaincode, transaction, org: organisation.dir,
        }, cause);
      }
    },
    async submitInBlock(chaincode, transaction, args, endorsingOrganizations) {
      let outcome: { result: string; blockNumber: number; code: number; txId: string; successful: boolean };
      try {
        const submitted = await network.getContract(chaincode).submitAsync(transaction, {
          arguments: [...args], ...(endorsingOrganizations === undefined ? {} : { endorsingOrganizations: [...endorsingOrganizations] }),
        });
        const status = await submitted.getStatus();
        outcome = { result: decoder.decode(submitted.getResult()), blockNumber: Number(status.blockNumber), code: status.code, txId: status.transactionId, successful: status.successful };
      } catch (cause) {
        throw new NetworkError('GATEWAY_FAILED', `${chaincode} ${transaction} as ${identity.name} failed: ${gatewayMessage(cause)}`, {
          chaincode, transaction, org: organisation.dir,
        }, cause);
      }
      if (!outcome.successful) {
        const codeName = Object.entries(protos.peer.TxValidationCode).find(([, v]) => v === outcome.code)?.[0] ?? String(outcome.code);
        throw new NetworkError('GATEWAY_FAILED', `${chaincode} ${transaction} as ${identity.name} failed: transaction ${outcome.txId} committed in block ${outcome.blockNumber} as ${codeName}`, {
          chaincode, transaction, org: organisation.dir, txId: outcome.txId, blockNumber: outcome.blockNumber,
        });
      }
      return { result: outcome.result, blockNumber: outcome.blockNumber };
    },
    async evaluate(chaincode, transaction, args) {
      try {
        return decoder.decode(await network.getContract(chaincode).evaluate(transaction, { arguments: [...args] }));
      } catch (cause) {
        throw new NetworkError('GATEWAY_FAILED', `${chaincode} ${transaction} as ${identity.name} failed: ${gatewayMessage(cause)}`, {
          chaincode, transaction, org: organisation.dir,
        }, cause);
      }
    },
    async commitStatus(transactionId) {
      const request = new protos.gateway.CommitStatusRequest();
      request.setTransactionId(transactionId);
      request.setChannelId(manifest.channel);
      const creator = new protos.msp.SerializedIdentity();
      creator.setMspid(organisation.mspId);
      creator.setIdBytes(new TextEncoder().encode(material.certPem));
      request.setIdentity(creator.serializeBinary());
      try {
        // newCommit takes a SignedCommitStatusRequest; an unsigned one is signed by the gateway's signer.
        const unsigned = new protos.gateway.SignedCommitStatusRequest();
        unsigned.setRequest(request.serializeBinary());
        const status = await gateway.newCommit(unsigned.serializeBinary()).getStatus({ deadline: Date.now() + 10_000 });
        return { blockNumber: Number(status.blockNumber), code: status.code, successful: status.successful };
      } catch (cause) {
        throw new NetworkError('GATEWAY_FAILED', `commit status of ${transactionId} as ${identity.name} failed: ${gatewayMessage(cause)}`, { transactionId, org: organisation.dir }, cause);
      }
    },
    close() {
      gateway.close();
      client.close();
    },
  };
}
