import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import { CommitError, EndorseError, GatewayError, type ErrorDetail } from '@hyperledger/fabric-gateway';
import { peer } from '@hyperledger/fabric-protos';
import fabricNetwork from 'fabric-network';
import { describe, expect, it } from 'vitest';
import { fromFabricNetworkError } from './fabric-network-error-mapping.js';
import { fromGatewayError, type FailureContext } from './gateway-error-mapping.js';

const require = createRequire(import.meta.url);
// fabric-network exports these classes only as types; construct the real ones from its lib.
const { TransactionError } = require('fabric-network/lib/errors/transactionerror.js') as {
  TransactionError: new (info: { message: string; transactionId: string; transactionCode: string }) => Error;
};
const { FabricError } = require('fabric-network/lib/errors/fabricerror.js') as { FabricError: new (info: string | { message: string; transactionId?: string }) => Error };
const { TimeoutError } = fabricNetwork;

const TX = 'b'.repeat(64);
const context = (stage: FailureContext['stage']): FailureContext => ({ stage, transactionId: TX, chaincode: 'lr-chaincode', fn: 'SpeedMeasurement:SubmitReading' });
const serviceError = (code: grpc.status): grpc.ServiceError => Object.assign(new Error(String(code)), { code, details: '', metadata: new grpc.Metadata() });
const detail = (message: string): ErrorDetail => ({ address: 'peer0:7051', mspId: 'PTBMSP', message });

/** An endorsement failure as fabric-network 2.2 reports it: text plus the raw per-peer results. */
function endorsementFailure(responses: { status: number; message: string }[], errors: string[]): Error {
  return Object.assign(new Error('No valid responses from any peers. Errors:'), {
    responses: responses.map((response) => ({ response, connection: { name: 'peer0' } })),
    errors: errors.map((message) => Object.assign(new Error(message), { connection: { name: 'peer1' } })),
  });
}

describe('fromFabricNetworkError', () => {
  it('maps a refused proposal response to CONTRACT_REJECTED with code, meter and seq', () => {
    const error = endorsementFailure([{ status: 500, message: '[REPLAYED_SEQ] reading SP-0002 seq 4 is already recorded' }], []);
    const mapped = fromFabricNetworkError(error, context('endorse'));
    expect(mapped.code).toBe('CONTRACT_REJECTED');
    expect(mapped.contractCode).toBe('REPLAYED_SEQ');
    expect(mapped.meterId).toBe('SP-0002');
    expect(mapped.seq).toBe('4');
    expect(mapped.transactionId).toBe(TX);
  });

  it('maps connection-only endorsement failures to UNAVAILABLE, mixed ones to ENDORSE_FAILED', () => {
    const down = endorsementFailure([], ['Broadcast Client peer0 grpc://127.0.0.1:1 is not connected', '14 UNAVAILABLE: No connection established']);
    const mixed = endorsementFailure([{ status: 500, message: 'chaincode lr-chaincode not approved' }], ['14 UNAVAILABLE: No connection established']);
    expect(fromFabricNetworkError(down, context('endorse')).code).toBe('UNAVAILABLE');
    expect(fromFabricNetworkError(mixed, context('endorse')).code).toBe('ENDORSE_FAILED');
  });

  it('maps an invalid commit (TransactionError) to COMMIT_FAILED with the validation code', () => {
    const error = new TransactionError({ message: 'Commit failed', transactionId: TX, transactionCode: 'MVCC_READ_CONFLICT' });
    const mapped = fromFabricNetworkError(error, context('commit'));
    expect(mapped.code).toBe('COMMIT_FAILED');
    expect(mapped.validationCode).toBe('MVCC_READ_CONFLICT');
    expect(mapped.stage).toBe('commit');
  });

  it('maps TimeoutError and deadline texts to TIMEOUT', () => {
    expect(fromFabricNetworkError(new TimeoutError({ message: 'Event strategy not satisfied within the timeout period', transactionId: TX }), context('commit')).code).toBe('TIMEOUT');
    expect(fromFabricNetworkError(new FabricError('REQUEST TIMEOUT'), context('evaluate')).code).toBe('TIMEOUT');
  });

  it('maps an orderer refusal to SUBMIT_FAILED and an unreachable orderer to UNAVAILABLE', () => {
    const refused = new Error(`Failed to commit transaction %${TX}, orderer response status: BAD_REQUEST`);
    const unreachable = new Error('Committer orderer0 is not connected');
    expect(fromFabricNetworkError(refused, context('submit')).code).toBe('SUBMIT_FAILED');
    expect(fromFabricNetworkError(unreachable, context('submit')).code).toBe('UNAVAILABLE');
  });

  it('keeps a lost commit watch as COMMIT_FAILED', () => {
    expect(fromFabricNetworkError(new Error('commit events unavailable from peer0: 14 UNAVAILABLE'), context('commit')).code).toBe('COMMIT_FAILED');
  });
});

// What a Fabric 3.1 peer answers for a creator its MSP cannot deserialise (seen with a registrar
// certificate dated before its CA), and what the embedded peer answers for an expired one.
const FABRIC_MALFORMED_CREATOR = 'access denied: channel [speedledger] creator org unknown, creator is malformed';
const EMBEDDED_EXPIRED_CREATOR =
  "[CREATOR_UNTRUSTED] access denied: channel [speedledger] creator is not trusted (NOT_VALID_NOW): certificate 'CN=registrar1, OU=client' is not valid at 2027-01-01T00:00:00.000Z";

describe('a refused client identity', () => {
  it('is IDENTITY_REJECTED, not ENDORSE_FAILED, with what to do, from either library', () => {
    const viaGateway = fromGatewayError(
      new EndorseError({ code: grpc.status.ABORTED, details: [detail(FABRIC_MALFORMED_CREATOR)], cause: serviceError(grpc.status.ABORTED), transactionId: TX, message: 'failed to endorse transaction, see attached details for more info' }),
      context('endorse'),
    );
    expect(viaGateway.code).toBe('IDENTITY_REJECTED');
    expect(viaGateway.message).toContain("dated no earlier than the CA's own notBefore");
    expect(viaGateway.message).toContain(FABRIC_MALFORMED_CREATOR);
    expect(viaGateway.ids).toMatchObject({ mspId: 'PTBMSP', fn: 'SpeedMeasurement:SubmitReading' });
    const expired = fromFabricNetworkError(endorsementFailure([{ status: 500, message: EMBEDDED_EXPIRED_CREATOR }], []), context('endorse'));
    expect(expired.code).toBe('IDENTITY_REJECTED');
    expect(expired.message).toContain('has expired');
    // Fabric's "creator certificate is not valid" and the expiration filter's text too.
    expect(fromFabricNetworkError(endorsementFailure([{ status: 500, message: 'access denied: channel [speedledger] creator certificate is not valid: x509' }], []), context('endorse')).code).toBe('IDENTITY_REJECTED');
    expect(fromFabricNetworkError(endorsementFailure([{ status: 500, message: 'identity expired' }], []), context('endorse')).code).toBe('IDENTITY_REJECTED');
    // The embedded gateway's channel access check (PERMISSION_DENIED before any endorsement).
    const gatewayDenied = fromGatewayError(
      new EndorseError({ code: grpc.status.PERMISSION_DENIED, details: [], cause: serviceError(grpc.status.PERMISSION_DENIED), transactionId: TX, message: "7 PERMISSION_DENIED: access denied: creator is not trusted (ISSUED_OUTSIDE_CA_VALIDITY): certificate 'CN=Early' starts at 2025-12-31T00:00:00.000Z, outside the validity of its CA" }),
      context('endorse'),
    );
    expect(gatewayDenied.code).toBe('IDENTITY_REJECTED');
    expect(gatewayDenied.message).toContain("dated no earlier than the CA's own notBefore");
    // A chaincode refusal that merely mentions a creator stays the chaincode's.
    expect(fromFabricNetworkError(endorsementFailure([{ status: 500, message: '[FORBIDDEN] creator is not a registrar' }], []), context('endorse')).code).toBe('CONTRACT_REJECTED');
  });
});

describe('both libraries, same situation, same code', () => {
  const situations: { name: string; stage: FailureContext['stage']; gateway: unknown; network: unknown }[] = [
    {
      name: 'forged reading',
      stage: 'endorse',
      gateway: new EndorseError({ code: grpc.status.ABORTED, details: [detail('chaincode response 500, [BAD_SIGNATURE] SP-1 seq 1: bad')], cause: serviceError(grpc.status.ABORTED), transactionId: TX }),
      network: endorsementFailure([{ status: 500, message: '[BAD_SIGNATURE] SP-1 seq 1: bad' }], []),
    },
    {
      name: 'unknown meter on query',
      stage: 'evaluate',
      gateway: new GatewayError({ code: grpc.status.UNKNOWN, details: [detail('chaincode response 500, [NOT_FOUND] meter SP-2 is not registered')], cause: serviceError(grpc.status.UNKNOWN) }),
      network: Object.assign(new Error('peer peer0 answered 500: [NOT_FOUND] meter SP-2 is not registered'), { responses: [{ response: { status: 500, message: '[NOT_FOUND] meter SP-2 is not registered' } }] }),
    },
    {
      name: 'peer down',
      stage: 'endorse',
      gateway: new EndorseError({ code: grpc.status.UNAVAILABLE, details: [], cause: serviceError(grpc.status.UNAVAILABLE), transactionId: TX }),
      network: endorsementFailure([], ['14 UNAVAILABLE: No connection established']),
    },
    {
      name: 'client certificate dated before its CA (real Fabric)',
      stage: 'endorse',
      gateway: new EndorseError({ code: grpc.status.ABORTED, details: [detail(FABRIC_MALFORMED_CREATOR)], cause: serviceError(grpc.status.ABORTED), transactionId: TX }),
      network: endorsementFailure([{ status: 500, message: FABRIC_MALFORMED_CREATOR }], []),
    },
    {
      name: 'expired client certificate (embedded peer)',
      stage: 'evaluate',
      gateway: new GatewayError({ code: grpc.status.UNKNOWN, details: [detail(EMBEDDED_EXPIRED_CREATOR)], cause: serviceError(grpc.status.UNKNOWN) }),
      network: endorsementFailure([{ status: 500, message: EMBEDDED_EXPIRED_CREATOR }], []),
    },
    {
      name: 'MVCC conflict',
      stage: 'commit',
      gateway: new CommitError({ code: peer.TxValidationCode.MVCC_READ_CONFLICT, transactionId: TX }),
      network: new TransactionError({ message: 'x', transactionId: TX, transactionCode: 'MVCC_READ_CONFLICT' }),
    },
  ];
  for (const situation of situations) {
    it(situation.name, () => {
      const viaGateway = fromGatewayError(situation.gateway, context(situation.stage));
      const viaNetwork = fromFabricNetworkError(situation.network, context(situation.stage));
      expect(viaNetwork.code).toBe(viaGateway.code);
      expect(viaNetwork.contractCode).toBe(viaGateway.contractCode);
      expect(viaNetwork.validationCode).toBe(viaGateway.validationCode);
      expect(viaNetwork.meterId).toBe(viaGateway.meterId);
    });
  }
});
