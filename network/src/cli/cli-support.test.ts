import { LedgerError } from '@speedledger/ledger-client';
import { describe, expect, it } from 'vitest';
import { NetworkError } from '../errors/network-error.js';
import { failureShape, reportFailure } from './cli-support.js';

function capture(): { io: { stdout: { write(t: string): boolean }; stderr: { write(t: string): boolean } }; err: () => string } {
  let err = '';
  return { io: { stdout: { write: () => true }, stderr: { write: (t: string) => ((err += t), true) } }, err: () => err };
}

describe('failureShape / reportFailure (the common error shape)', () => {
  it('gives every failure {code, stage, message}: typed network and ledger errors, and untyped ones', () => {
    expect(failureShape(new NetworkError('PORTS_BUSY', 'taken'))).toEqual({ code: 'PORTS_BUSY', stage: 'preflight', message: 'taken' });
    const ledger = new LedgerError('CONTRACT_REJECTED', 'NOT_FOUND: no meter', { stage: 'endorse', contractCode: 'NOT_FOUND' });
    expect(failureShape(ledger)).toMatchObject({ code: 'CONTRACT_REJECTED', stage: 'endorse' });
    expect(failureShape(new Error('boom'))).toEqual({ code: 'FAILED', stage: 'command', message: 'boom' });
    expect(failureShape(Object.assign(new Error('x'), { code: 'ENOENT' }))).toEqual({ code: 'ENOENT', stage: 'command', message: 'x' });
  });

  it('says a code once', () => {
    expect(failureShape(new NetworkError('GATEWAY_FAILED', 'GATEWAY_FAILED: GATEWAY_FAILED: down')).message).toBe('down');
  });

  it('writes one line (multi-line detail indented below it), or one JSON line with --json', () => {
    const text = capture();
    expect(reportFailure(text.io, 'up', new NetworkError('PORTS_BUSY', '2 ports are taken:\n  127.0.0.1:7050 (grpc of o0) is held by pid 1: x\n'))).toBe(1);
    expect(text.err()).toBe('up failed: PORTS_BUSY: 2 ports are taken:\n    127.0.0.1:7050 (grpc of o0) is held by pid 1: x\n');
    const json = capture();
    reportFailure(json.io, 'status', new NetworkError('MANIFEST_MISSING', 'no network in d'), true);
    expect(JSON.parse(json.err())).toEqual({ error: { code: 'MANIFEST_MISSING', stage: 'manifest', message: 'no network in d' } });
    expect(json.err().trim().split('\n')).toHaveLength(1);
  });
});
