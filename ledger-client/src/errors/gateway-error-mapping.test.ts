import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import { CommitError, CommitStatusError, EndorseError, GatewayError, type ErrorDetail } from '@hyperledger/fabric-gateway';
import { peer } from '@hyperledger/fabric-protos';
import { describe, expect, it } from 'vitest';
import { fromGatewayError, validationCodeName, type FailureContext } from './gateway-error-mapping.js';
import { LedgerError } from './ledger-error.js';

// fabric-gateway exports SubmitError only as a type; the class is in its dist folder.
const { SubmitError } = createRequire(import.meta.url)('@hyperledger/fabric-gateway/dist/submiterror.js') as {
  SubmitError: new (properties: { code: number; details: ErrorDetail[]; cause: grpc.ServiceError; transactionId: string; message?: string }) => Error;
};

function serviceError(code: grpc.status, message: string): grpc.ServiceError {
  return Object.assign(new Error(`${code} ${message}`), { code, details: message, metadata: new grpc.Metadata() });
}

const TX = 'a'.repeat(64);
const detail = (message: string): ErrorDetail => ({ address: 'peer0.inmetro:7051', mspId: 'InmetroMSP', message });
const context = (stage: FailureContext['stage']): FailureContext => ({ stage, transactionId: TX, chaincode: 'lr-chaincode', fn: 'SpeedMeasurement:SubmitReading' });

describe('fromGatewayError', () => {
  it('maps a chaincode refusal in an endorser detail to CONTRACT_REJECTED with its code, meter and seq', () => {
    const error = new EndorseError({
      code: grpc.status.ABORTED,
      details: [detail('chaincode response 500, [BAD_SIGNATURE] SP-0001 seq 7: signature does not verify')],
      cause: serviceError(grpc.status.ABORTED, 'failed to endorse transaction'),
      transactionId: TX,
      message: 'failed to endorse transaction, see attached details for more info',
    });
    const mapped = fromGatewayError(error, context('endorse'));
    expect(mapped).toBeInstanceOf(LedgerError);
    expect(mapped.code).toBe('CONTRACT_REJECTED');
    expect(mapped.contractCode).toBe('BAD_SIGNATURE');
    expect(mapped.meterId).toBe('SP-0001');
    expect(mapped.seq).toBe('7');
    expect(mapped.transactionId).toBe(TX);
    expect(mapped.ids).toMatchObject({ peer: 'peer0.inmetro:7051', mspId: 'InmetroMSP', fn: 'SpeedMeasurement:SubmitReading' });
    expect(mapped.cause).toBe(error);
  });

  it('finds a refusal in the top-level message of an evaluate GatewayError', () => {
    const error = new GatewayError({ code: grpc.status.UNKNOWN, details: [], cause: serviceError(grpc.status.UNKNOWN, 'x'), message: 'evaluate call to endorser returned error: chaincode response 500, [NOT_FOUND] meter SP-9 is not registered' });
    const mapped = fromGatewayError(error, context('evaluate'));
    expect(mapped.code).toBe('CONTRACT_REJECTED');
    expect(mapped.contractCode).toBe('NOT_FOUND');
    expect(mapped.stage).toBe('evaluate');
  });

  it('does not take an unknown bracketed code for a contract refusal', () => {
    const error = new EndorseError({ code: grpc.status.ABORTED, details: [detail('[SOMETHING_ELSE] odd')], cause: serviceError(grpc.status.ABORTED, 'x'), transactionId: TX });
    expect(fromGatewayError(error, context('endorse')).code).toBe('ENDORSE_FAILED');
  });

  it('maps UNAVAILABLE and DEADLINE_EXCEEDED before ordering to UNAVAILABLE and TIMEOUT', () => {
    const down = new EndorseError({ code: grpc.status.UNAVAILABLE, details: [], cause: serviceError(grpc.status.UNAVAILABLE, 'No connection established'), transactionId: TX });
    const slow = new GatewayError({ code: grpc.status.DEADLINE_EXCEEDED, details: [], cause: serviceError(grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded') });
    const ordererDown = new SubmitError({ code: grpc.status.UNAVAILABLE, details: [], cause: serviceError(grpc.status.UNAVAILABLE, 'no orderers'), transactionId: TX });
    expect(fromGatewayError(down, context('endorse')).code).toBe('UNAVAILABLE');
    expect(fromGatewayError(slow, context('evaluate')).code).toBe('TIMEOUT');
    expect(fromGatewayError(ordererDown, context('submit')).code).toBe('UNAVAILABLE');
  });

  it('maps other endorse and submit failures by class', () => {
    const endorse = new EndorseError({ code: grpc.status.ABORTED, details: [detail('ProposalResponsePayloads do not match')], cause: serviceError(grpc.status.ABORTED, 'x'), transactionId: TX });
    const submit = new SubmitError({ code: grpc.status.ABORTED, details: [detail('received unsuccessful response from orderer: status=SERVICE_UNAVAILABLE')], cause: serviceError(grpc.status.ABORTED, 'x'), transactionId: TX });
    const mappedEndorse = fromGatewayError(endorse, context('endorse'));
    expect(mappedEndorse.code).toBe('ENDORSE_FAILED');
    expect(mappedEndorse.message).toContain('ProposalResponsePayloads do not match');
    expect(fromGatewayError(submit, context('submit')).code).toBe('SUBMIT_FAILED');
  });

  it('maps an invalid commit to COMMIT_FAILED with the validation code name', () => {
    const error = new CommitError({ code: peer.TxValidationCode.MVCC_READ_CONFLICT, transactionId: TX, message: 'failed to commit' });
    const mapped = fromGatewayError(error, context('commit'));
    expect(mapped.code).toBe('COMMIT_FAILED');
    expect(mapped.validationCode).toBe('MVCC_READ_CONFLICT');
    expect(mapped.ids.validationCode).toBe('MVCC_READ_CONFLICT');
    expect(mapped.transactionId).toBe(TX);
  });

  it('never calls a lost commit status UNAVAILABLE: the transaction may be ordered', () => {
    const lost = new CommitStatusError({ code: grpc.status.UNAVAILABLE, details: [], cause: serviceError(grpc.status.UNAVAILABLE, 'x'), transactionId: TX });
    const late = new CommitStatusError({ code: grpc.status.DEADLINE_EXCEEDED, details: [], cause: serviceError(grpc.status.DEADLINE_EXCEEDED, 'x'), transactionId: TX });
    expect(fromGatewayError(lost, context('commit')).code).toBe('COMMIT_FAILED');
    expect(fromGatewayError(late, context('commit')).code).toBe('TIMEOUT');
  });

  it('wraps a non-gateway failure with the stage default and keeps it as cause', () => {
    const mapped = fromGatewayError('socket exploded', context('submit'));
    expect(mapped.code).toBe('SUBMIT_FAILED');
    expect(mapped.message).toContain('socket exploded');
    expect(mapped.transactionId).toBe(TX);
  });

  it('passes a LedgerError through unchanged', () => {
    const original = new LedgerError('INVALID_ARGUMENT', 'bad', { stage: 'endorse' });
    expect(fromGatewayError(original, context('endorse'))).toBe(original);
  });
});

describe('validationCodeName', () => {
  it('names every TxValidationCode and marks unknown numbers', () => {
    for (const [name, value] of Object.entries(peer.TxValidationCode)) expect(validationCodeName(value as number)).toBe(name);
    expect(validationCodeName(77)).toBe('UNKNOWN_77');
  });
});
